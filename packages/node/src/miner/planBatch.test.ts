import assert from "node:assert/strict";
import { test } from "node:test";
import { parseSpec } from "@maitoken/runtime";
import { jobLayout } from "../sdk/jobLayout.js";
import { toRuntimeUnit } from "../sdk/toRuntimeUnit.js";
import { checkJob, planBatch } from "./planBatch.js";

const train = parseSpec({
  version: 1,
  engine: "mai-engine/1",
  kind: "train",
  seed: 1,
  dataset: { id: "mnist-v1", split: "train", start: 0, end: 256 },
  model: { kind: "mlp", inputSize: 784, hidden: [16], classes: 10, activation: "relu" },
  optimizer: { kind: "sgd", lr: 0.1, momentum: 0.9 },
  batchSize: 8,
  stepsPerUnit: 4,
  checkpoints: 2,
  unitsPerChain: 3,
  chains: [{}, { seed: 2 }],
});

test("chained train batches map to the runtime units the requester SDK lays out", () => {
  const layout = jobLayout(train);
  const job = {
    units: BigInt(layout.units),
    batchSize: 1n,
    chains: BigInt(layout.chains),
    cuPerUnit: layout.cuPerUnit,
  };
  assert.equal(checkJob(train, job), undefined);
  for (let b = 0; b < layout.batches; b++) {
    const plan = planBatch(train, job, b);
    assert.ok(plan.ok);
    assert.deepEqual(plan.runtimeUnits, [toRuntimeUnit(train, b)]);
  }
});

test("a job that overstates CU, miscounts units or splits chains is refused with a reason", () => {
  const layout = jobLayout(train);
  const job = { units: BigInt(layout.units), batchSize: 1n, chains: 2n, cuPerUnit: layout.cuPerUnit };
  assert.equal(checkJob(train, { ...job, cuPerUnit: layout.cuPerUnit + 1n }), "overstated CU");
  assert.equal(checkJob(train, { ...job, units: 5n }), "unit count mismatch");
  assert.equal(checkJob(train, { ...job, chains: 0n, batchSize: 2n }), "batches split a chain");
  assert.equal(checkJob(train, { ...job, chains: 3n }), "chain layout mismatch");
  // Independent batches of whole chains are fine.
  assert.deepEqual(planBatch(train, { ...job, chains: 0n, batchSize: 3n }, 1), { ok: true, runtimeUnits: [3, 4, 5] });
});
