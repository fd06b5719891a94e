/**
 * Reputation after a lost dispute or withheld reveal: floor(rep/2); mirrors `Reputation.onDisputeLost`.
 * @example onDisputeLost(2001n) // 1000n
 */
export function onDisputeLost(rep: bigint): bigint {
  const r = rep > 10_000n ? 10_000n : rep;
  return r / 2n;
}
