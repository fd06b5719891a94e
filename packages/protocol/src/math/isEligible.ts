import type { Address, Hex } from "viem";
import { MAX_UINT256, WAD } from "./constants.js";
import { score } from "./score.js";

/**
 * Whether `node` may lease under probability `pWad`: score < pWad * floor((2^256-1)/1e18); mirrors `Sortition.isEligible`.
 * @example isEligible(seed, node, 10n ** 18n) // true
 */
export function isEligible(seed: Hex, node: Address, pWad: bigint): boolean {
  if (pWad >= WAD) return true;
  return score(seed, node) < pWad * (MAX_UINT256 / WAD);
}
