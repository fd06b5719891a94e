import type { Address, Hex } from "viem";
import { isEligible } from "./isEligible.js";
import { threshold } from "./threshold.js";

export type CheckLeaseParameters = {
  seed: Hex;
  node: Address;
  k: bigint;
  nodeWeight: bigint;
  totalWeight: bigint;
  elapsed: bigint;
  widenPeriod: bigint;
};
export type CheckLeaseReturnType = { eligible: boolean; widened: boolean };

/**
 * Whether a node may lease a batch now, and whether only thanks to the widening (then the lease earns
 * fees only); mirrors `Sortition.checkLease`. A node runs this before sending `lease`.
 * @example checkLease({ seed, node, k: 3n, nodeWeight, totalWeight, elapsed: 0n, widenPeriod: 60n })
 */
export function checkLease(p: CheckLeaseParameters): CheckLeaseReturnType {
  const base = threshold(p.k, p.nodeWeight, p.totalWeight, 0n, p.widenPeriod).pWad;
  if (isEligible(p.seed, p.node, base)) return { eligible: true, widened: false };
  const widenedThreshold = threshold(p.k, p.nodeWeight, p.totalWeight, p.elapsed, p.widenPeriod);
  if (!widenedThreshold.widened) return { eligible: false, widened: false };
  const eligible = isEligible(p.seed, p.node, widenedThreshold.pWad);
  return { eligible, widened: eligible };
}
