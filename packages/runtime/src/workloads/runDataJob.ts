import { resultRoot } from "../hash/resultRoot.js";
import type { DataSpec } from "../spec/schema.js";
import { specHash } from "../spec/specHash.js";
import { computeUnits } from "./computeUnits.js";
import { type DataUnitResult, runDataUnit } from "./data.js";
import type { JobResult } from "./types.js";

export interface DataJobResult extends JobResult {
  kind: "data";
  units: Omit<DataUnitResult, "output">[];
  /** Items dropped as duplicates, over all units. */
  dropped: number;
}

/** Runs every unit of a data job. */
export function runDataJob(
  spec: DataSpec,
  options: { onProgress?: (done: number, total: number) => void } = {},
): DataJobResult {
  const steps = dataJobSteps(spec, options);
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/** The same job as a generator that pauses after every unit (see trainJobSteps). */
export function* dataJobSteps(
  spec: DataSpec,
  options: { onProgress?: (done: number, total: number) => void } = {},
): Generator<void, DataJobResult> {
  const { units: count, cu } = computeUnits(spec);
  const units: DataJobResult["units"] = [];
  let dropped = 0;
  for (let i = 0; i < count; i++) {
    const { output, ...unit } = runDataUnit(spec, i);
    dropped += unit.end - unit.start - unit.kept.length;
    units.push(unit);
    options.onProgress?.(i + 1, count);
    yield;
  }
  const unitRoots = units.map((u) => u.resultRoot);
  return { kind: "data", specHash: specHash(spec), resultRoot: resultRoot(unitRoots), unitRoots, cu, units, dropped };
}
