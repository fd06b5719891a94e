/**
 * Reputation after an expired lease: rep - ceil(rep/8); mirrors `Reputation.onExpired`.
 * @example onExpired(2000n) // 1750n
 */
export function onExpired(rep: bigint): bigint {
  const r = rep > 10_000n ? 10_000n : rep;
  return r - (r + 7n) / 8n;
}
