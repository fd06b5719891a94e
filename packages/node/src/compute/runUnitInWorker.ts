/**
 * Runs a unit on the node's compute worker thread (started on first use, one per process; it keeps
 * the process alive only while it has work). Requests are answered in order; a worker that dies
 * fails what it held with a retryable error and is started again on the next request. Same code, same bits as
 * calling the runtime directly: the worker runs `runUnit` from the same sources.
 */
import { closeSync, openSync, readSync } from "node:fs";
import { Worker } from "node:worker_threads";
import type { JobSpec, RunUnitInputs, UnitResult } from "@maitoken/runtime";
import { BaseError } from "../errors.js";
import { MAX_WORKER_MODELS, type UnitAnswer, type UnitRequest } from "./unitWorker.js";

let worker: Worker | undefined;
let nextId = 1;
// Model pins the current worker holds (it keeps the models it was sent; see unitWorker.ts).
const models = new Set<string>();
type Pending = {
  resolve: (r: UnitResult) => void;
  reject: (e: Error) => void;
  onCheckpoint?: (bytes: Uint8Array, k: number) => void;
  /** Streamed checkpoints kept for the result when the caller takes none itself. */
  checkpoints: Uint8Array[];
};
const pending = new Map<number, Pending>();

function failAll(reason: string) {
  for (const [id, p] of pending) {
    pending.delete(id);
    p.reject(
      new BaseError(`the compute worker stopped (${reason}); the unit runs again`, {
        retryable: true,
        code: "WORKER_STOPPED",
      }),
    );
  }
}

/** The first line of a file (a bundle's build header), or undefined. */
function firstLine(url: URL): string | undefined {
  try {
    const fd = openSync(url, "r");
    try {
      const head = Buffer.alloc(128);
      const text = head.subarray(0, readSync(fd, head, 0, head.length, 0)).toString("latin1");
      return text.slice(0, text.indexOf("\n"));
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

function startWorker(): Worker {
  // From the sources the worker needs an entry that registers tsx. From the CLI bundle every module
  // shares the bundle's URL: the worker runs the compute-only bundle built beside it when its header
  // says it comes from the same build, else the CLI bundle itself (whose entry serves units on this flag).
  const fromSources = import.meta.url.endsWith(".ts");
  const lean = new URL("./mai-unit-worker.mjs", import.meta.url);
  const header = fromSources ? undefined : firstLine(new URL(import.meta.url));
  const w = fromSources
    ? new Worker(new URL("./unitWorkerEntry.mjs", import.meta.url))
    : header?.startsWith("// mai-bundle") && firstLine(lean) === header
      ? new Worker(lean)
      : new Worker(new URL(import.meta.url), { workerData: { maiUnitWorker: true } });
  w.unref();
  models.clear();
  w.on("message", (answer: UnitAnswer) => {
    const p = pending.get(answer.id);
    if (!p) return;
    if ("checkpoint" in answer) {
      if (p.onCheckpoint) p.onCheckpoint(answer.bytes, answer.checkpoint);
      else p.checkpoints[answer.checkpoint] = answer.bytes;
      return;
    }
    pending.delete(answer.id);
    if (pending.size === 0) w.unref();
    // A worker without the model (it should not happen): send it again with the next request.
    if (!answer.ok && answer.error.code === "MODEL_NOT_HELD") models.clear();
    if (answer.ok) {
      if (answer.result.kind === "train") answer.result.checkpoints = p.checkpoints;
      p.resolve(answer.result);
    } else {
      const e = answer.error;
      const error = new BaseError(e.message, { code: e.code ?? e.name, retryable: e.retryable ?? false });
      p.reject(error);
    }
  });
  w.on("error", (error) => {
    if (worker === w) worker = undefined;
    failAll(error.message);
  });
  w.on("exit", (code) => {
    if (worker === w) worker = undefined;
    failAll(`exit code ${code}`);
  });
  return w;
}

/**
 * `runUnit` on the worker thread. A training unit's checkpoints arrive one by one as the worker
 * makes them: to `onCheckpoint` if given (the result then holds none), else into the result. An
 * infer unit's model is named by the spec's sha256 pin and `loadModel` is called only if this
 * worker does not hold that model yet: a job's model crosses to the worker once, not once per unit.
 */
export async function runUnitInWorker(
  spec: JobSpec,
  index: number,
  inputs: Omit<RunUnitInputs, "modelBytes" | "onStep"> & { loadModel?: () => Promise<Uint8Array> } = {},
): Promise<UnitResult> {
  worker ??= startWorker();
  const pin = spec.kind === "infer" ? spec.model.sha256 : undefined;
  let modelBytes: Uint8Array | undefined;
  if (inputs.loadModel && (!pin || !models.has(pin))) {
    modelBytes = await inputs.loadModel();
    worker ??= startWorker();
  }
  const id = nextId++;
  const request: UnitRequest = { id, spec, index, modelBytes, start: inputs.start };
  if (pin && modelBytes) {
    // The worker keeps the last MAX_WORKER_MODELS models it was sent, in the order sent: so does this set.
    models.delete(pin);
    models.add(pin);
    for (const old of models) if (models.size > MAX_WORKER_MODELS) models.delete(old);
  }
  return new Promise<UnitResult>((resolve, reject) => {
    pending.set(id, { resolve, reject, onCheckpoint: inputs.onCheckpoint, checkpoints: [] });
    // Held while it has work (a caller awaiting a unit keeps the process alive), idle otherwise.
    worker?.ref();
    worker?.postMessage(request);
  });
}
