import { WAD } from "./constants.js";

export type ThresholdReturnType = { pWad: bigint; widened: boolean };

/**
 * Lease probability min(1, k*w/W) in WAD, doubled per full `widenPeriod` of `elapsed`, capped at 1;
 * `widened` when a doubling raised it. Mirrors `Sortition.threshold`.
 * @example threshold(3n, 10n, 100n, 60n, 60n) // { pWad: 600_000_000_000_000_000n, widened: true }
 */
export function threshold(
  k: bigint,
  nodeWeight: bigint,
  totalWeight: bigint,
  elapsed: bigint,
  widenPeriod: bigint,
): ThresholdReturnType {
  if (k === 0n || nodeWeight === 0n) return { pWad: 0n, widened: false };
  if (nodeWeight >= totalWeight) return { pWad: WAD, widened: false };
  const base = (k * WAD * nodeWeight) / totalWeight;
  if (base >= WAD) return { pWad: WAD, widened: false };
  if (widenPeriod === 0n) return { pWad: base, widened: false };
  const doublings = elapsed / widenPeriod;
  if (doublings === 0n || base === 0n) return { pWad: base, widened: false };
  const shifted = doublings >= 64n ? WAD : base << doublings;
  return { pWad: shifted > WAD ? WAD : shifted, widened: true };
}
