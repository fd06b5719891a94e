/**
 * Builds the ONNX model that examples/mnist-infer.json serves: trains
 * examples/mnist-mlp-train-small.json on the deterministic engine and exports chain 0's final
 * weights. Deterministic: rebuilding gives the same bytes, so the infer spec can pin their sha256.
 *
 *   npx tsx examples/models/build.ts
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadSpecFile, trainAndExport } from "@maitoken/runtime";

const here = path.dirname(fileURLToPath(import.meta.url));
const { spec } = loadSpecFile(path.join(here, "..", "mnist-mlp-train-small.json"));
if (spec.kind !== "train") throw new Error("mnist-mlp-train-small.json must be a train spec");
const model = trainAndExport(spec);
const out = path.join(here, "mnist-mlp-small.onnx");
writeFileSync(out, model.onnx);
console.log(
  JSON.stringify({
    file: path.relative(process.cwd(), out),
    bytes: model.onnx.length,
    sha256: model.sha256,
    accuracy: model.accuracy,
  }),
);
