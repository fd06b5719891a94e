const MAX_REP = 10_000n;

/**
 * Reputation after a passed audit: rep + (10000 - rep)/16; mirrors `Reputation.onAuditPassed`.
 * @example onAuditPassed(2000n) // 2500n
 */
export function onAuditPassed(rep: bigint): bigint {
  if (rep >= MAX_REP) return MAX_REP;
  return rep + (MAX_REP - rep) / 16n;
}
