import { BPS } from "./constants.js";
import { MathError } from "./MathError.js";

/**
 * Audit probability max(minAudit, pMin + (pMax-pMin)*(1-rep/10000)) in bps, rounded up, capped at 10000;
 * mirrors `Sortition.auditProbabilityBps`.
 * @example auditProbabilityBps(5000n, 500n, 5000n, 0n) // 2750n
 */
export function auditProbabilityBps(repBps: bigint, pMinBps: bigint, pMaxBps: bigint, minAuditBps: bigint): bigint {
  if (pMaxBps < pMinBps) throw new MathError("InvertedAuditBounds", [pMinBps, pMaxBps]);
  const rep = repBps > BPS ? BPS : repBps;
  const span = (pMaxBps - pMinBps) * (BPS - rep);
  let p = pMinBps + (span + BPS - 1n) / BPS;
  if (p < minAuditBps) p = minAuditBps;
  return p > BPS ? BPS : p;
}
