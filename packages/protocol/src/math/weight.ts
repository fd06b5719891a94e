import { WAD } from "./constants.js";
import { quality } from "./quality.js";
import { stakeBoost } from "./stakeBoost.js";

/**
 * Emission weight cu*Q*B, WAD-scaled (1 CU at Q = B = 1 weighs 1e18), rounded down; mirrors `RewardWeight.weight`.
 * @example weight(1n, 10_000n, 1n, 1n) // 1_500_000_000_000_000_000n
 */
export function weight(cu: bigint, repBps: bigint, stake: bigint, stakeRef: bigint): bigint {
  return (cu * quality(repBps) * stakeBoost(stake, stakeRef)) / WAD;
}
