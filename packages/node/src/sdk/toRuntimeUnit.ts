import type { JobSpec } from "@maitoken/runtime";

/**
 * The runtime's unit index (what `runUnit(spec, index)` takes) of on-chain unit `onChainUnit`; see
 * `jobLayout` for why train jobs interleave their chains on chain.
 * @example
 * // 2 chains x 3 steps: on-chain units 0..5 are (c0,s0) (c1,s0) (c0,s1) (c1,s1) (c0,s2) (c1,s2)
 * toRuntimeUnit(trainSpec, 3); // chain 1, step 1 -> runtime index 1 * 3 + 1 = 4
 */
export function toRuntimeUnit(spec: JobSpec, onChainUnit: number): number {
  if (spec.kind !== "train") return onChainUnit;
  const chains = spec.chains.length;
  return (onChainUnit % chains) * spec.unitsPerChain + Math.floor(onChainUnit / chains);
}
