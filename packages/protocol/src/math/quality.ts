/**
 * Quality factor Q = 0.5 + 0.7*rep/10000 in WAD (rep clamped to 10000); mirrors `RewardWeight.quality`.
 * @example quality(10_000n) // 1_200_000_000_000_000_000n
 */
export function quality(repBps: bigint): bigint {
  const rep = repBps > 10_000n ? 10_000n : repBps;
  return 500_000_000_000_000_000n + 70_000_000_000_000n * rep;
}
