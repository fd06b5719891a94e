import assert from "node:assert/strict";
import { test } from "node:test";
import { runDataJob } from "./runDataJob.js";
import { runTrainJob } from "./runTrainJob.js";
import { runUnit, trainUnitRef } from "./runUnit.js";
import { smallDataSpec, smallTrainSpec } from "./testSpecs.js";

test("runUnit addresses train units chain-major and reproduces the job's unit roots", async () => {
  const spec = smallTrainSpec();
  assert.deepEqual(
    [0, 1, 2, 3].map((i) => trainUnitRef(spec, i)),
    [
      { chain: 0, unit: 0 },
      { chain: 0, unit: 1 },
      { chain: 1, unit: 0 },
      { chain: 1, unit: 1 },
    ],
  );
  assert.throws(() => trainUnitRef(spec, 4), RangeError);
  const job = runTrainJob(spec);
  const u2 = await runUnit(spec, 2);
  assert.equal(u2.resultRoot, job.unitRoots[2]);
  const u3 = await runUnit(spec, 3, { start: job.units[2]?.checkpoints[spec.checkpoints] });
  assert.equal(u3.resultRoot, job.unitRoots[3]);
});

test("runUnit runs data units and checks the unit index", async () => {
  const spec = smallDataSpec();
  const job = runDataJob(spec);
  assert.equal((await runUnit(spec, 1)).resultRoot, job.unitRoots[1]);
  await assert.rejects(runUnit(spec, 3), RangeError);
});

test("a train unit hands over each checkpoint as it is made; taking them changes no hash or root", async () => {
  const spec = smallTrainSpec();
  const kept = await runUnit(spec, 0);
  if (kept.kind !== "train") throw new Error("expected a train unit");
  const handed: { k: number; bytes: Uint8Array }[] = [];
  const taken = await runUnit(spec, 0, {
    // Like the node's compute worker: move each buffer away (to another thread) as it arrives.
    onCheckpoint: (bytes, k) => {
      handed.push({ k, bytes: bytes.slice() });
      structuredClone(bytes.buffer, { transfer: [bytes.buffer] });
    },
  });
  if (taken.kind !== "train") throw new Error("expected a train unit");
  assert.deepEqual(
    handed.map((h) => h.k),
    Array.from({ length: spec.checkpoints + 1 }, (_, k) => k),
  );
  assert.deepEqual(
    handed.map((h) => Buffer.from(h.bytes).toString("hex")),
    kept.checkpoints.map((c) => Buffer.from(c).toString("hex")),
  );
  assert.deepEqual(taken.checkpointHashes, kept.checkpointHashes);
  assert.equal(taken.resultRoot, kept.resultRoot);
  // What was taken is gone from the result (detached), not copied behind the caller's back.
  assert.equal(taken.checkpoints[1]?.byteLength, 0);
});
