/**
 * The compute worker thread's side: runs one unit per request with the runtime and answers with
 * its result, or with the error's name, message, code and `retryable`. The main thread keeps
 * the chain, the HTTP API and the blob store; a unit's arithmetic never blocks them (it used to
 * run on the main thread, where every await of a tick, a commit or a blob read waited for the
 * running unit's next yield).
 */
import { parentPort } from "node:worker_threads";
import { type JobSpec, runUnit } from "@maitoken/runtime";
import { collectHeapGarbage } from "./collectHeapGarbage.js";

export type UnitRequest = {
  id: number;
  spec: JobSpec;
  index: number;
  modelBytes?: Uint8Array;
  start?: Uint8Array;
};

export type UnitAnswer =
  /** A training checkpoint, sent (moved) as soon as it exists; the final answer then holds none. */
  | { id: number; checkpoint: number; bytes: Uint8Array }
  | { id: number; ok: true; result: Awaited<ReturnType<typeof runUnit>> }
  | { id: number; ok: false; error: { name: string; message: string; code?: string; retryable?: boolean } };

// The models this worker was sent, by the spec's sha256 pin (the main thread sends each once).
const models = new Map<string, Uint8Array>();
export const MAX_WORKER_MODELS = 4;

function modelFor(request: UnitRequest): Uint8Array | undefined {
  const pin = request.spec.kind === "infer" ? request.spec.model.sha256 : undefined;
  if (request.modelBytes) {
    if (pin) {
      models.delete(pin);
      models.set(pin, request.modelBytes);
      for (const old of models.keys()) if (models.size > MAX_WORKER_MODELS) models.delete(old);
    }
    return request.modelBytes;
  }
  const held = pin ? models.get(pin) : undefined;
  if (pin && !held) {
    throw Object.assign(new Error("the compute worker does not hold this job's model"), {
      code: "MODEL_NOT_HELD",
      retryable: true,
    });
  }
  return held;
}

/** Serves unit requests on the parent port until the thread is terminated. */
export function serveUnits(): void {
  const port = parentPort;
  if (!port) throw new Error("serveUnits runs in a worker thread");
  port.on("message", async (request: UnitRequest) => {
    let answer: UnitAnswer;
    try {
      const result = await runUnit(request.spec, request.index, {
        modelBytes: modelFor(request),
        start: request.start,
        // A training step leaves its activations and gradients dead (tens of MB for a conv net):
        // collected at once, a unit's peak is one step's working set rather than several steps' garbage.
        onStep: () => collectHeapGarbage(),
        // Checkpoints leave as they are made, so this thread never holds a unit's K+1 of them.
        onCheckpoint: (bytes, k) => {
          const message: UnitAnswer = { id: request.id, checkpoint: k, bytes };
          port.postMessage(message, ownedBuffers(bytes));
        },
      });
      if (result.kind === "train") result.checkpoints = [];
      answer = { id: request.id, ok: true, result };
    } catch (error) {
      const e = error as { name?: string; message?: string; code?: string; retryable?: boolean };
      answer = {
        id: request.id,
        ok: false,
        error: { name: e.name ?? "Error", message: e.message ?? String(error), code: e.code, retryable: e.retryable },
      };
    }
    port.postMessage(answer, answer.ok ? ownedBuffers(answer.result) : []);
    // A unit leaves tens of MB of dead activations and copies behind; V8 collects them when it sees
    // fit, often only after the next unit has added its own, and the process's peak is the sum.
    collectHeapGarbage();
  });
}

/**
 * The result's byte arrays that own their whole buffer (checkpoints, outputs): moved to the main
 * thread instead of copied (a CNN unit's checkpoints are tens of MB). A view into a larger buffer
 * (the dataset, the kernels' memory) is copied, never moved: moving it would detach the rest.
 */
function ownedBuffers(result: unknown): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  const visit = (value: unknown, depth: number) => {
    if (ArrayBuffer.isView(value)) {
      const b = value.buffer;
      if (b instanceof ArrayBuffer && value.byteOffset === 0 && value.byteLength === b.byteLength) buffers.add(b);
    } else if (value && typeof value === "object" && depth < 3) {
      for (const v of Array.isArray(value) ? value : Object.values(value)) visit(v, depth + 1);
    }
  };
  visit(result, 0);
  return [...buffers];
}
