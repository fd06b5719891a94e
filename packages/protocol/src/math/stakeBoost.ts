import { WAD } from "./constants.js";

/**
 * Stake boost B = 1 + 0.25*min(1, stake/stakeRef) in WAD, rounded down; mirrors `RewardWeight.stakeBoost`.
 * @example stakeBoost(50n, 100n) // 1_125_000_000_000_000_000n
 */
export function stakeBoost(stake: bigint, stakeRef: bigint): bigint {
  if (stake >= stakeRef) return 1_250_000_000_000_000_000n;
  return WAD + (250_000_000_000_000_000n * stake) / stakeRef;
}
