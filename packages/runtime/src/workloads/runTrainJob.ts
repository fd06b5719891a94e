import { decodeCheckpoint } from "../hash/checkpoint.js";
import { resultRoot } from "../hash/resultRoot.js";
import { getDataset } from "../data/getDataset.js";
import { itemRange } from "../spec/itemRange.js";
import type { TrainSpec } from "../spec/schema.js";
import { specHash } from "../spec/specHash.js";
import { computeUnits } from "./computeUnits.js";
import { evaluateAccuracy } from "./evaluateAccuracy.js";
import { runTrainUnit } from "./train.js";
import { trainContext } from "./trainContext.js";
import type { JobResult, TrainUnitResult } from "./types.js";

export interface TrainJobResult extends JobResult {
  kind: "train";
  units: TrainUnitResult[];
  /** Per chain: final checkpoint hash, and accuracy on `spec.eval` when the spec names one. */
  chains: { chain: number; finalHash: string; finalLoss: number; accuracy?: number }[];
}

export interface RunTrainJobOptions {
  /** Progress callback: optimizer steps done so far out of the job's total. */
  onProgress?: (done: number, total: number) => void;
  /** Called as each unit finishes (e.g. to write its checkpoints out and drop them from memory). */
  onUnit?: (unit: TrainUnitResult) => void;
  /** Keep every unit's checkpoint bytes in the result (default true); false keeps memory flat on long jobs. */
  keepCheckpoints?: boolean;
}

/**
 * Runs a whole training job locally: every chain, every unit in order, each unit starting from
 * its predecessor's final checkpoint. The job root is the Merkle root over unit roots in unit
 * index order (chain-major).
 */
export function runTrainJob(spec: TrainSpec, options: RunTrainJobOptions = {}): TrainJobResult {
  const steps = trainJobSteps(spec, options);
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/**
 * The same job as a generator that pauses after every unit, so an async caller can yield to the
 * event loop there (signals, I/O) while the units themselves run synchronously.
 */
export function* trainJobSteps(spec: TrainSpec, options: RunTrainJobOptions = {}): Generator<void, TrainJobResult> {
  const total = spec.chains.length * spec.unitsPerChain * spec.stepsPerUnit;
  let done = 0;
  const units: TrainUnitResult[] = [];
  const chains: TrainJobResult["chains"] = [];
  for (let chain = 0; chain < spec.chains.length; chain++) {
    let previous: TrainUnitResult | undefined;
    let finalBytes: Uint8Array | undefined;
    for (let unit = 0; unit < spec.unitsPerChain; unit++) {
      const result: TrainUnitResult = runTrainUnit(spec, {
        chain,
        unit,
        start: finalBytes,
        onStep: () => options.onProgress?.(++done, total),
      });
      options.onUnit?.(result);
      finalBytes = result.checkpoints[spec.checkpoints];
      if (options.keepCheckpoints === false) result.checkpoints = [];
      units.push(result);
      previous = result;
      yield;
    }
    const last = previous as TrainUnitResult;
    const entry: TrainJobResult["chains"][number] = {
      chain,
      finalHash: last.finalHash,
      finalLoss: last.losses[last.losses.length - 1] as number,
    };
    if (spec.eval) {
      const ctx = trainContext(spec, chain);
      const { state } = decodeCheckpoint(finalBytes as Uint8Array);
      const { start, end } = itemRange(spec.eval);
      entry.accuracy = evaluateAccuracy(ctx.model, state.params, getDataset(spec.eval.id)[spec.eval.split], start, end);
    }
    chains.push(entry);
  }
  const unitRoots = units.map((u) => u.resultRoot);
  const accuracies = chains.flatMap((c) => (c.accuracy === undefined ? [] : [c.accuracy]));
  return {
    kind: "train",
    specHash: specHash(spec),
    resultRoot: resultRoot(unitRoots),
    unitRoots,
    cu: computeUnits(spec).cu,
    ...(accuracies.length > 0 ? { accuracy: Math.max(...accuracies) } : {}),
    units,
    chains,
  };
}
