import { type JobSpec, computeUnits } from "@maitoken/runtime";

export type JobLayoutParameters = {
  /** Units per batch for infer/data jobs; train jobs always use 1 (each unit is a chain step). */
  batchSize?: number;
};

export type JobLayoutReturnType = {
  /** On-chain `units`. */
  units: number;
  /** On-chain `batchSize`. */
  batchSize: number;
  batches: number;
  /** On-chain `chains` (0: independent batches; c: batch b continues batch b - c). */
  chains: number;
  /** On-chain `cuPerUnit`: the runtime's exact CU per unit rounded up, at least 1. */
  cuPerUnit: bigint;
  /** The runtime's exact (fractional) CU per unit and for the whole job. */
  cuPerUnitExact: number;
  cu: number;
};

/**
 * How a spec maps onto the JobMarket's job fields. This is the one convention requesters and miners
 * share (a miner recomputes it and abandons a job whose fields disagree):
 * - `cuPerUnit = max(1, ceil(computeUnits(spec).cuPerUnit))`;
 * - train: one unit per batch, `chains = spec.chains.length`, and on-chain unit `g` is step
 *   `floor(g / C)` of chain `g % C` (interleaved, so batch b continues batch b - C as the contract
 *   wants); `toRuntimeUnit` converts to the runtime's chain-major index;
 * - infer/data: on-chain unit i is runtime unit i, `chains = 0`, `batchSize` as asked (default 4,
 *   capped by the unit count).
 * @example
 * const { units, batchSize, chains, cuPerUnit } = jobLayout(spec, { batchSize: 8 });
 */
export function jobLayout(spec: JobSpec, parameters: JobLayoutParameters = {}): JobLayoutReturnType {
  const cu = computeUnits(spec);
  const cuPerUnit = BigInt(Math.max(1, Math.ceil(cu.cuPerUnit)));
  if (spec.kind === "train") {
    return {
      units: cu.units,
      batchSize: 1,
      batches: cu.units,
      chains: spec.chains.length,
      cuPerUnit,
      cuPerUnitExact: cu.cuPerUnit,
      cu: cu.cu,
    };
  }
  const batchSize = Math.max(1, Math.min(parameters.batchSize ?? 4, cu.units));
  return {
    units: cu.units,
    batchSize,
    batches: Math.ceil(cu.units / batchSize),
    chains: 0,
    cuPerUnit,
    cuPerUnitExact: cu.cuPerUnit,
    cu: cu.cu,
  };
}
