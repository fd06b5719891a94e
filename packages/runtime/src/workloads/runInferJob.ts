import { readFileSync } from "node:fs";
import path from "node:path";
import { sha256 } from "../hash/sha256.js";
import { resultRoot } from "../hash/resultRoot.js";
import type { InferSpec } from "../spec/schema.js";
import { specHash } from "../spec/specHash.js";
import { computeUnits } from "./computeUnits.js";
import { countCorrect } from "./evaluateAccuracy.js";
import { type InferUnitResult, runInferUnit } from "./infer.js";
import type { JobResult } from "./types.js";

export interface InferJobResult extends JobResult {
  kind: "infer";
  units: Omit<InferUnitResult, "output" | "labels">[];
  accuracy: number;
}

export interface RunInferJobOptions {
  /** Directory the spec's relative model path is resolved against (the spec file's directory). */
  baseDir: string;
  onProgress?: (done: number, total: number) => void;
}

/** Reads the spec's ONNX model (checking its sha256 when pinned) and runs every unit. */
export async function runInferJob(spec: InferSpec, options: RunInferJobOptions): Promise<InferJobResult> {
  const file = path.resolve(options.baseDir, spec.model.onnx);
  const modelBytes = loadModel(file, spec.model.sha256);
  const { units: count } = computeUnits(spec);
  const units: InferJobResult["units"] = [];
  let correct = 0;
  let items = 0;
  for (let i = 0; i < count; i++) {
    const { output, labels, ...unit } = await runInferUnit(spec, modelBytes, i);
    correct += countCorrect(output.data, output.data.length / labels.length, labels);
    items += labels.length;
    units.push(unit);
    options.onProgress?.(i + 1, count);
    // Exact mode is synchronous work: give signals and I/O a turn between units.
    await new Promise((resolve) => setImmediate(resolve));
  }
  const unitRoots = units.map((u) => u.resultRoot);
  return {
    kind: "infer",
    specHash: specHash(spec),
    resultRoot: resultRoot(unitRoots),
    unitRoots,
    cu: computeUnits(spec).cu,
    accuracy: correct / items,
    units,
  };
}

function loadModel(file: string, pinned: string | undefined): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(file));
  } catch (err) {
    throw new Error(`cannot read the ONNX model ${file}: ${(err as Error).message}`);
  }
  if (pinned && sha256(bytes) !== pinned) {
    throw new Error(`ONNX model ${file} hashes to ${sha256(bytes)}, but the spec pins ${pinned}`);
  }
  return bytes;
}
