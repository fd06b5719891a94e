const MAX_REP = 10_000n;

/**
 * Reputation after an unaudited acceptance: rep + (10000 - rep)/256; mirrors `Reputation.onAccepted`.
 * @example onAccepted(2000n) // 2031n
 */
export function onAccepted(rep: bigint): bigint {
  if (rep >= MAX_REP) return MAX_REP;
  return rep + (MAX_REP - rep) / 256n;
}
