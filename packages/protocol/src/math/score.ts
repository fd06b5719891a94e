import { type Address, encodeAbiParameters, type Hex, hexToBigInt, keccak256 } from "viem";

/**
 * A node's sortition score uint256(keccak256(abi.encode(seed, node))); mirrors `Sortition.score`.
 * @example score(`0x${"00".repeat(32)}`, "0x0000000000000000000000000000000000000001")
 */
export function score(seed: Hex, node: Address): bigint {
  return hexToBigInt(keccak256(encodeAbiParameters([{ type: "bytes32" }, { type: "address" }], [seed, node])));
}
