/**
 * How protocol units map onto runtime units (a decision the requester side must follow):
 * - independent jobs (`chains` = 0): protocol unit u of the job is runtime unit u, so batch b holds
 *   runtime units [b·s, b·s + n). A train job may use this only when every batch starts at unit 0 of
 *   a chain (`s` a multiple of `unitsPerChain`), so no batch depends on another.
 * - chained train jobs (`chains` = c > 0, batch b continues b − c): `c` must equal the spec's chain
 *   count and `unitsPerChain` must be a multiple of `s`; batch b covers chain b mod c, positions
 *   [⌊b/c⌋·s, ⌊b/c⌋·s + s), i.e. runtime units chain·unitsPerChain + position.
 * Returns the runtime indexes of a batch, or the reason the job cannot be run as posted.
 */
import { type JobSpec, computeUnits } from "@maitoken/runtime";

export type BatchPlan = { ok: true; runtimeUnits: number[] } | { ok: false; reason: string };

export type PlanJob = {
  units: bigint;
  batchSize: bigint;
  chains: bigint;
  cuPerUnit: bigint;
};

export function planBatch(spec: JobSpec, job: PlanJob, batchIndex: number): BatchPlan {
  const check = checkJob(spec, job);
  if (check) return { ok: false, reason: check };
  const s = Number(job.batchSize);
  const c = Number(job.chains);
  const units = Number(job.units);
  const start = batchIndex * s;
  const n = Math.min(s, units - start);
  if (n <= 0) return { ok: false, reason: "batch out of range" };
  if (c === 0)
    return {
      ok: true,
      runtimeUnits: Array.from({ length: n }, (_, j) => start + j),
    };
  if (spec.kind !== "train") return { ok: false, reason: "chains on a non-train job" };
  const chain = batchIndex % c;
  const pos0 = Math.floor(batchIndex / c) * s;
  return {
    ok: true,
    runtimeUnits: Array.from({ length: n }, (_, j) => chain * spec.unitsPerChain + pos0 + j),
  };
}

/** Why the posted job disagrees with its spec (undefined when it does not). */
export function checkJob(spec: JobSpec, job: PlanJob): string | undefined {
  const cu = computeUnits(spec);
  if (Number(job.units) !== cu.units) return "unit count mismatch";
  if (job.cuPerUnit > BigInt(Math.max(1, Math.ceil(cu.cuPerUnit)))) return "overstated CU";
  const s = Number(job.batchSize);
  const c = Number(job.chains);
  if (spec.kind === "train") {
    if (c === 0 && s % spec.unitsPerChain !== 0) return "batches split a chain";
    if (c > 0 && (c !== spec.chains.length || spec.unitsPerChain % s !== 0)) return "chain layout mismatch";
  } else if (c > 0) {
    return "chains on a non-train job";
  }
  return undefined;
}
