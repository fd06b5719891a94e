import { sha256 } from "../hash/sha256.js";
import type { JobSpec, TrainSpec } from "../spec/schema.js";
import { computeUnits } from "./computeUnits.js";
import { type DataUnitResult, runDataUnit } from "./data.js";
import { type InferUnitResult, runInferUnit } from "./infer.js";
import { runTrainUnit } from "./train.js";
import type { TrainUnitRef, TrainUnitResult } from "./types.js";

export type UnitResult = TrainUnitResult | InferUnitResult | DataUnitResult;

export interface RunUnitInputs {
  /** Infer: the ONNX model bytes (their sha256 is checked against the spec's pin when present). */
  modelBytes?: Uint8Array;
  /** Train, unit > 0 of a chain: the predecessor's final checkpoint bytes. */
  start?: Uint8Array;
  onStep?: (done: number) => void;
  /** Train: each checkpoint as soon as it exists (see RunTrainUnitParameters.onCheckpoint). */
  onCheckpoint?: (bytes: Uint8Array, k: number) => void;
}

/** Chain and position of global train unit `index` (chain-major numbering). */
export function trainUnitRef(spec: TrainSpec, index: number): TrainUnitRef {
  const total = spec.chains.length * spec.unitsPerChain;
  if (!(Number.isInteger(index) && index >= 0 && index < total))
    throw new RangeError(`unit ${index} outside 0..${total - 1}`);
  return { chain: Math.floor(index / spec.unitsPerChain), unit: index % spec.unitsPerChain };
}

/**
 * Runs unit `index` of any job: what a miner (or an auditor re-executing a whole unit) calls.
 * @example
 * const { resultRoot } = await runUnit(spec, 3, { start: predecessorFinalCheckpoint });
 */
export async function runUnit(spec: JobSpec, index: number, inputs: RunUnitInputs = {}): Promise<UnitResult> {
  switch (spec.kind) {
    case "train":
      return runTrainUnit(spec, {
        ...trainUnitRef(spec, index),
        start: inputs.start,
        onStep: inputs.onStep,
        onCheckpoint: inputs.onCheckpoint,
      });
    case "infer": {
      if (!inputs.modelBytes) throw new Error("an infer unit needs the ONNX model bytes");
      if (spec.model.sha256 && sha256(inputs.modelBytes) !== spec.model.sha256) {
        throw new Error(`model bytes hash to ${sha256(inputs.modelBytes)}, but the spec pins ${spec.model.sha256}`);
      }
      return runInferUnit(spec, inputs.modelBytes, index);
    }
    case "data":
      if (!(Number.isInteger(index) && index >= 0 && index < computeUnits(spec).units)) {
        throw new RangeError(`unit ${index} outside 0..${computeUnits(spec).units - 1}`);
      }
      return runDataUnit(spec, index);
  }
}
