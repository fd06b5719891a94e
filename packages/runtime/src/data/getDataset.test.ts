import assert from "node:assert/strict";
import { test } from "node:test";
import { DATASETS } from "./datasets.js";
import { getDataset } from "./getDataset.js";
import { selectItems } from "./selectItems.js";

test("mnist-v1 is a fixed 80/20 per-digit split with interleaved classes", () => {
  const d = getDataset("mnist-v1");
  assert.equal(d.train.count, DATASETS["mnist-v1"].sizes.train);
  assert.equal(d.test.count, DATASETS["mnist-v1"].sizes.test);
  assert.equal(d.train.count + d.test.count, 10_000);
  // Round-robin interleave: the first ten items are digits 0..9.
  assert.deepEqual([...d.train.labels.subarray(0, 10)], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual([...d.test.labels.subarray(0, 10)], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const perDigit = new Array(10).fill(0);
  for (const l of d.train.labels) perDigit[l]++;
  assert.ok(
    perDigit.every((n) => n >= 680 && n <= 910),
    `train per digit ${perDigit}`,
  );
  let min = Infinity;
  let max = -Infinity;
  for (const v of d.train.x) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  assert.equal(min, 0);
  assert.equal(max, 1);
});

test("shards address contiguous item ranges and refuse ranges outside the split", () => {
  const d = getDataset("mnist-v1");
  const shard = selectItems(d.test, 10, 15);
  assert.deepEqual(shard.x.shape, [5, 1, 28, 28]);
  assert.deepEqual([...shard.labels], [...d.test.labels.subarray(10, 15)]);
  assert.deepEqual(shard.x.data, d.test.x.subarray(10 * 784, 15 * 784));
  assert.throws(() => selectItems(d.test, 2000, 2005), /outside test split/);
  assert.throws(() => getDataset("cifar-10"), /unknown dataset/);
});
