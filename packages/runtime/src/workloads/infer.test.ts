import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { decodeCheckpoint } from "../hash/checkpoint.js";
import { getDataset } from "../data/getDataset.js";
import { selectItems } from "../data/selectItems.js";
import { forward, hashTensor, type ModelSpec } from "../engine/index.js";
import { sha256 } from "../hash/sha256.js";
import { loadSpecFile } from "../spec/loadSpecFile.js";
import type { InferSpec, TrainSpec } from "../spec/schema.js";
import { evaluateAccuracy } from "./evaluateAccuracy.js";
import { runInferUnit } from "./infer.js";
import { runInferJob } from "./runInferJob.js";
import { runTrainJob } from "./runTrainJob.js";
import { trainAndExport } from "./trainAndExport.js";

const examples = fileURLToPath(new URL("../../../../examples/", import.meta.url));
const inferExample = loadSpecFile(`${examples}mnist-infer.json`).spec as InferSpec;
const trainExample = loadSpecFile(`${examples}mnist-mlp-train-small.json`).spec as TrainSpec;
let built: ReturnType<typeof trainAndExport> | undefined;
const rebuilt = () => (built ??= trainAndExport(trainExample));
const spec: InferSpec = {
  ...inferExample,
  dataset: { id: "mnist-v1", split: "test", start: 100, end: 400 },
  itemsPerUnit: 120,
};

test("the example ONNX model is exactly what training the small example spec and exporting it gives", () => {
  const committed = readFileSync(`${examples}models/mnist-mlp-small.onnx`);
  assert.equal(sha256(committed), inferExample.model.sha256);
  assert.equal(rebuilt().sha256, inferExample.model.sha256);
});

test("training on a short budget (one unit of 100 steps) already reaches 80% test accuracy", () => {
  // The full examples are held to 94% (MLP) and 97% (CNN) by `npm run bench:runtime`.
  const accuracy = rebuilt().accuracy ?? 0;
  assert.ok(accuracy >= 0.8, `accuracy ${accuracy}`);
});

test("exact inference reproduces the engine's forward pass bit for bit", async () => {
  let final: Uint8Array | undefined;
  runTrainJob(trainExample, { onUnit: (u) => (final = u.checkpoints[trainExample.checkpoints]) });
  const params = decodeCheckpoint(final as Uint8Array).state.params;
  const job = await runInferJob(spec, { baseDir: examples });
  assert.deepEqual(
    job.units.map((u) => [u.start, u.end]),
    [
      [100, 220],
      [220, 340],
      [340, 400],
    ],
  );
  const model = spec.model.arch as ModelSpec;
  const split = getDataset("mnist-v1").test;
  const batch = selectItems(split, 220, 340);
  const logits = forward(model, params, { shape: [120, 784], data: batch.x.data });
  const expected = Array.from({ length: 120 }, (_, i) =>
    hashTensor({ shape: [10], data: logits.data.subarray(i * 10, i * 10 + 10) }),
  );
  assert.deepEqual(job.units[1]?.itemHashes, expected);
  assert.equal(job.accuracy, evaluateAccuracy(model, params, split, 100, 400));
  const again = await runInferJob(spec, { baseDir: examples });
  assert.equal(again.resultRoot, job.resultRoot);
});

test("tolerant inference (ONNX Runtime) stays within float error of exact mode", async () => {
  const bytes = new Uint8Array(readFileSync(`${examples}models/mnist-mlp-small.onnx`));
  const exact = await runInferUnit(spec, bytes, 2);
  const tolerant = await runInferUnit({ ...spec, mode: "tolerant" }, bytes, 2);
  assert.deepEqual(tolerant.output.shape, exact.output.shape);
  let worst = 0;
  exact.output.data.forEach((v, i) => {
    worst = Math.max(worst, Math.abs(v - (tolerant.output.data[i] as number)));
  });
  assert.ok(worst < 1e-3, `max difference ${worst}`);
});

test("a model whose bytes differ from the pinned sha256, or that is not the stated architecture, is refused", async () => {
  const pinned = { ...spec, model: { ...spec.model, sha256: `0x${"ab".repeat(32)}` } };
  await assert.rejects(
    runInferJob(pinned, { baseDir: examples }),
    /hashes to 0x[0-9a-f]{64}, but the spec pins 0xabab/,
  );
  await assert.rejects(
    runInferJob({ ...spec, model: { ...spec.model, onnx: "missing.onnx" } }, { baseDir: examples }),
    /cannot read the ONNX model/,
  );
  const bigger = {
    ...spec,
    model: { onnx: spec.model.onnx, arch: { ...(spec.model.arch as ModelSpec), hidden: [128] } },
  } as InferSpec;
  await assert.rejects(
    runInferJob(bigger, { baseDir: examples }),
    /holds 50890 float parameters but spec.model.arch has 101770/,
  );
});
