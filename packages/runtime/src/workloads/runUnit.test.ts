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
