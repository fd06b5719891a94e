/**
 * Index-bound Merkle trees: the one layout shared by the runtime (result roots), the node
 * (batch commits, audit proofs) and `contracts/src/libraries/IndexedMerkle.sol`.
 *
 *   leaf(i, v) = keccak256(0x00 ‖ uint256(i) ‖ v)
 *   node(l, r) = keccak256(0x01 ‖ l ‖ r)
 *
 * Leaves are padded with bytes32(0) up to the next power of two; a one-leaf tree's root is its
 * leaf. Binding the index into the leaf means a value proved at one position can never be
 * replayed at another, and the 0x00/0x01 prefixes keep leaves and inner nodes apart.
 */
import { type Hex, concatHex, keccak256, numberToHex } from "viem";

export const ZERO_HASH: Hex = `0x${"00".repeat(32)}`;

export function merkleLeaf(index: number | bigint, value: Hex): Hex {
  return keccak256(concatHex(["0x00", numberToHex(BigInt(index), { size: 32 }), value]));
}

export function merkleNode(left: Hex, right: Hex): Hex {
  return keccak256(concatHex(["0x01", left, right]));
}

function paddedLevel(values: readonly Hex[]): Hex[] {
  if (values.length === 0) throw new Error("merkle tree needs at least one value");
  let size = 1;
  while (size < values.length) size *= 2;
  const level: Hex[] = values.map((v, i) => merkleLeaf(i, v));
  while (level.length < size) level.push(ZERO_HASH);
  return level;
}

/** Root over `values` (each bound to its index). */
export function merkleRoot(values: readonly Hex[]): Hex {
  let level = paddedLevel(values);
  while (level.length > 1) {
    const next: Hex[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(merkleNode(level[i], level[i + 1]));
    level = next;
  }
  return level[0];
}

/** Sibling path from leaf `index` to the root, bottom-up. */
export function merkleProof(values: readonly Hex[], index: number): Hex[] {
  if (index < 0 || index >= values.length) throw new RangeError(`index ${index} outside 0..${values.length - 1}`);
  let level = paddedLevel(values);
  const proof: Hex[] = [];
  let i = index;
  while (level.length > 1) {
    proof.push(level[i ^ 1]);
    const next: Hex[] = [];
    for (let j = 0; j < level.length; j += 2) next.push(merkleNode(level[j], level[j + 1]));
    level = next;
    i >>= 1;
  }
  return proof;
}

/** Checks that `value` sits at `index` under `root`. */
export function verifyMerkleProof(root: Hex, index: number | bigint, value: Hex, proof: readonly Hex[]): boolean {
  let hash = merkleLeaf(index, value);
  let i = BigInt(index);
  for (const sibling of proof) {
    hash = (i & 1n) === 0n ? merkleNode(hash, sibling) : merkleNode(sibling, hash);
    i >>= 1n;
  }
  return i === 0n && hash.toLowerCase() === root.toLowerCase();
}
