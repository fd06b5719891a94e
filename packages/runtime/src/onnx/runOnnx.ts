/**
 * The single entry point of the `infer` workload: exact mode on the deterministic engine, or
 * tolerant mode on ONNX Runtime (DESIGN 5.4).
 */
import type { Tensor } from "../engine/index.js";
import { decodeModel } from "./decodeModel.js";
import { OnnxError } from "./errors.js";
import { runExact } from "./runExact.js";
import { runTolerant } from "./runTolerant.js";

export interface RunOnnxOptions {
  mode: "exact" | "tolerant";
}

/**
 * Runs an ONNX model on named float32 inputs and returns every graph output by name.
 * @example
 * const out = await runOnnx(bytes, { input: { shape: [1, 784], data } }, { mode: "exact" });
 */
export async function runOnnx(
  modelBytes: Uint8Array,
  inputs: Record<string, Tensor>,
  opts: RunOnnxOptions,
): Promise<Record<string, Tensor>> {
  if (opts.mode === "exact") return runExact(decodeModel(modelBytes), inputs);
  if (opts.mode === "tolerant") {
    // Decode first so a malformed file gets our message rather than the runtime's; tensor types
    // the engine cannot hold (float16, ...) are fine for ONNX Runtime, so those errors pass.
    try {
      decodeModel(modelBytes);
    } catch (err) {
      if (!(err instanceof OnnxError) || err.details.dataType === undefined) throw err;
    }
    return runTolerant(modelBytes, inputs);
  }
  throw new RangeError(`unknown ONNX mode '${String((opts as { mode: unknown }).mode)}' (use "exact" or "tolerant")`);
}
