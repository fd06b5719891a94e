/**
 * Tolerant mode: the model runs on ONNX Runtime, which is fast but not bit-reproducible across
 * machines, so its outputs are only ever compared within a tolerance (DESIGN 5.4: fees only).
 * One intra-op thread keeps a node's result independent of its core count, and keeps the machine
 * usable for the other work a node does.
 */
import { createHash } from "node:crypto";
import * as ort from "onnxruntime-node";
import type { Tensor } from "../engine/index.js";
import { OnnxError } from "./errors.js";

const MAX_SESSIONS = 4;
// Insertion-ordered, so the first key is the least recently used.
const sessions = new Map<string, Promise<ort.InferenceSession>>();

/**
 * Runs a model with onnxruntime-node on float32 inputs and returns every graph output.
 * @example
 * const out = await runTolerant(modelBytes, { input: { shape: [1, 784], data } });
 */
export async function runTolerant(modelBytes: Uint8Array, inputs: Record<string, Tensor>): Promise<Record<string, Tensor>> {
  const session = await getSession(modelBytes);
  const expected = [...session.inputNames];
  const given = Object.keys(inputs);
  const missing = expected.filter((n) => !given.includes(n));
  const extra = given.filter((n) => !expected.includes(n));
  if (missing.length > 0 || extra.length > 0) {
    throw new OnnxError(
      `inputs do not match the model: it expects [${expected.join(", ")}], got [${given.join(", ")}]`,
      { details: { missing, extra } },
    );
  }
  const feeds: Record<string, ort.Tensor> = {};
  for (const name of expected) {
    const t = inputs[name] as Tensor;
    feeds[name] = new ort.Tensor("float32", t.data, t.shape);
  }
  let results: ort.InferenceSession.OnnxValueMapType;
  try {
    results = await session.run(feeds);
  } catch (cause) {
    throw new OnnxError(`onnxruntime failed to run the model: ${(cause as Error).message}`, { cause });
  }
  const out: Record<string, Tensor> = {};
  for (const name of session.outputNames) {
    const value = results[name] as ort.Tensor;
    if (value.type !== "float32") {
      throw new OnnxError(`output '${name}' is ${value.type}; only float32 outputs are supported`);
    }
    out[name] = { shape: value.dims.map(Number), data: new Float32Array(value.data as Float32Array) };
  }
  return out;
}

function getSession(modelBytes: Uint8Array): Promise<ort.InferenceSession> {
  const key = createHash("sha256").update(modelBytes).digest("hex");
  let session = sessions.get(key);
  if (session) {
    sessions.delete(key);
    sessions.set(key, session);
    return session;
  }
  session = ort.InferenceSession.create(modelBytes, {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: "sequential",
    logSeverityLevel: 3,
  }).catch((cause: unknown) => {
    sessions.delete(key);
    throw new OnnxError(`onnxruntime could not load the model: ${(cause as Error).message}`, { cause });
  });
  sessions.set(key, session);
  if (sessions.size > MAX_SESSIONS) {
    // No explicit release(): a run may still hold the evicted session; the binding frees it on GC.
    sessions.delete(sessions.keys().next().value as string);
  }
  return session;
}
