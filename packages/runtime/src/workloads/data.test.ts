import assert from "node:assert/strict";
import { test } from "node:test";
import { hashTensor, initParams, forward, tanh } from "../engine/index.js";
import { getDataset } from "../data/getDataset.js";
import { resultRoot } from "../hash/resultRoot.js";
import { computeUnits } from "./computeUnits.js";
import { runDataUnit } from "./data.js";
import { dedupByHash } from "./dedupByHash.js";
import { runDataJob } from "./runDataJob.js";
import { smallDataSpec } from "./testSpecs.js";
import { truncateModel } from "./truncateModel.js";

const spec = smallDataSpec();

test("a data unit normalises, pools and embeds each item, hashing every output row", () => {
  const unit = runDataUnit(spec, 1);
  assert.equal(unit.start, 25);
  assert.equal(unit.end, 50);
  assert.deepEqual(unit.output.shape, [25, 8]);
  // Recompute item 30 by hand from the engine primitives.
  const split = getDataset("mnist-v1").test;
  const pixels = split.x.subarray(30 * 784, 31 * 784);
  const pooled = new Float32Array(196);
  for (let r = 0; r < 14; r++) {
    for (let c = 0; c < 14; c++) {
      const at = (y: number, x: number) =>
        Math.fround(Math.fround(pixels[y * 28 + x]! - Math.fround(0.1307)) / Math.fround(0.3081));
      const sum = Math.fround(
        Math.fround(Math.fround(at(2 * r, 2 * c) + at(2 * r, 2 * c + 1)) + at(2 * r + 1, 2 * c)) +
          at(2 * r + 1, 2 * c + 1),
      );
      pooled[r * 14 + c] = Math.fround(sum / 4);
    }
  }
  const model = { kind: "mlp" as const, inputSize: 196, hidden: [32, 8], classes: 10, activation: "tanh" as const };
  const cut = truncateModel(model);
  const params = initParams(model, spec.seed).slice(0, 4);
  const expected = tanh(forward(cut, params, { shape: [1, 196], data: pooled }));
  const row = unit.output.data.subarray(5 * 8, 6 * 8);
  assert.deepEqual(row, expected.data);
  assert.equal(unit.itemHashes[5], hashTensor({ shape: [8], data: expected.data }));
});

test("dedup binds the kept item indices into the root; a job's root is over its unit roots", () => {
  const withDedup = runDataUnit(spec, 0);
  const without = runDataUnit({ ...spec, dedup: false }, 0);
  assert.deepEqual(withDedup.itemHashes, without.itemHashes);
  assert.equal(without.resultRoot, resultRoot(without.itemHashes));
  assert.notEqual(withDedup.resultRoot, without.resultRoot);
  assert.deepEqual(
    withDedup.kept,
    Array.from({ length: 25 }, (_, i) => i),
  );
  const job = runDataJob(spec);
  assert.equal(job.units.length, 3);
  assert.equal(job.units[2]?.end, 60);
  assert.equal(job.resultRoot, resultRoot(job.units.map((u) => u.resultRoot)));
  assert.equal(job.units[0]?.resultRoot, withDedup.resultRoot);
  assert.ok(Math.abs(job.cu - computeUnits(spec).cuPerUnit * (60 / 25)) < 1e-12);
});

test("dedup keeps the first occurrence of each content hash, in order", () => {
  assert.deepEqual(dedupByHash(["a", "b", "a", "c", "b", "d"]), [0, 1, 3, 5]);
  assert.deepEqual(dedupByHash([]), []);
});
