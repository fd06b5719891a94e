import { merkleRoot } from "@maitoken/protocol";
import type { Hex } from "../engine/index.js";

/**
 * Result root of a unit: the index-bound Merkle root (`@maitoken/protocol`, the same tree the
 * contracts check proofs against) over its item hashes, in item order.
 */
export function resultRoot(itemHashes: readonly Hex[]): Hex {
  return merkleRoot(itemHashes);
}
