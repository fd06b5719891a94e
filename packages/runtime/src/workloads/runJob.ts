import type { JobSpec } from "../spec/schema.js";
import { type DataJobResult, dataJobSteps } from "./runDataJob.js";
import { type InferJobResult, runInferJob } from "./runInferJob.js";
import { type RunTrainJobOptions, type TrainJobResult, trainJobSteps } from "./runTrainJob.js";

export type AnyJobResult = TrainJobResult | InferJobResult | DataJobResult;

export interface RunJobOptions {
  /** Directory relative paths in the spec are resolved against (default the working directory). */
  baseDir?: string;
  /** Progress in the job's own unit of work (training steps, or units for infer/data). */
  onProgress?: (done: number, total: number) => void;
  onTrainUnit?: RunTrainJobOptions["onUnit"];
  keepCheckpoints?: boolean;
}

/**
 * Runs a validated job spec locally, whatever its kind.
 * @example
 * const result = await runJob(parseSpec(json), { baseDir: "examples" });
 */
export async function runJob(spec: JobSpec, options: RunJobOptions = {}): Promise<AnyJobResult> {
  switch (spec.kind) {
    case "train":
      return drain(
        trainJobSteps(spec, {
          onProgress: options.onProgress,
          onUnit: options.onTrainUnit,
          keepCheckpoints: options.keepCheckpoints,
        }),
      );
    case "infer":
      return runInferJob(spec, { baseDir: options.baseDir ?? process.cwd(), onProgress: options.onProgress });
    case "data":
      return drain(dataJobSteps(spec, { onProgress: options.onProgress }));
  }
}

/** Runs a unit-by-unit generator, yielding to the event loop between units (so SIGINT handlers run). */
async function drain<T>(steps: Generator<void, T>): Promise<T> {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    await new Promise((resolve) => setImmediate(resolve));
  }
}
