import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { type Deployment, deployProtocol, jobMarketAbi, startAnvil } from "@maitoken/protocol";
import { type JobSpec, computeUnits, parseSpec } from "@maitoken/runtime";
import { parseEther } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { checkJob, planBatch } from "../miner/planBatch.js";
import { anvilKeys } from "../testing/anvilKeys.js";
import { createSdkClients } from "./createSdkClients.js";
import { getJobStatus } from "./getJobStatus.js";
import { jobLayout } from "./jobLayout.js";
import { submitJob } from "./submitJob.js";

/** A small MNIST training spec with `chains` chains of `unitsPerChain` units. */
const trainSpec = (chains: number, unitsPerChain: number) =>
  parseSpec({
    version: 1,
    engine: "mai-engine/1",
    kind: "train",
    seed: 1,
    dataset: { id: "mnist-v1", split: "train", start: 0, end: 256 },
    model: {
      kind: "mlp",
      inputSize: 784,
      hidden: [16],
      classes: 10,
      activation: "relu",
    },
    optimizer: { kind: "sgd", lr: 0.1, momentum: 0.9 },
    batchSize: 8,
    stepsPerUnit: 4,
    checkpoints: 2,
    unitsPerChain,
    chains: Array.from({ length: chains }, (_, c) => ({ seed: c + 1 })),
  });

const dataSpec = (end: number) =>
  parseSpec({
    version: 1,
    engine: "mai-engine/1",
    kind: "data",
    seed: 1,
    dataset: { id: "mnist-v1", split: "test", start: 0, end },
    itemsPerUnit: 10,
    transforms: [{ op: "normalize", mean: 0.1307, std: 0.3081 }],
  });

/** The devnet's `createJob` bounds (JobMarketStorage) a layout must meet, and the miner's own check. */
function assertValidJob(spec: JobSpec, layout: ReturnType<typeof jobLayout>, maxBatchSize = 64) {
  assert.equal(layout.units, computeUnits(spec).units);
  assert.ok(layout.units > 0);
  assert.ok(layout.batchSize > 0 && layout.batchSize <= maxBatchSize);
  assert.equal(layout.batches, Math.ceil(layout.units / layout.batchSize));
  assert.ok(layout.chains >= 0 && layout.chains <= layout.batches, "ChainsOutOfRange: chains <= batches");
  assert.ok(layout.cuPerUnit >= 1n);
  const job = {
    units: BigInt(layout.units),
    batchSize: BigInt(layout.batchSize),
    chains: BigInt(layout.chains),
    cuPerUnit: layout.cuPerUnit,
  };
  assert.equal(checkJob(spec, job), undefined, "a miner accepts the layout");
  const covered: number[] = [];
  for (let b = 0; b < layout.batches; b++) {
    const plan = planBatch(spec, job, b);
    assert.ok(plan.ok, `batch ${b} plans`);
    covered.push(...plan.runtimeUnits);
  }
  assert.deepEqual(
    covered.sort((a, b) => a - b),
    Array.from({ length: layout.units }, (_, i) => i),
    "the batches cover every runtime unit once",
  );
}

test("every layout is a job the contract and the miners accept, down to one chain of one unit", () => {
  for (const [chains, units] of [
    [1, 1],
    [1, 3],
    [2, 1],
    [3, 2],
  ] as const) {
    const spec = trainSpec(chains, units);
    const layout = jobLayout(spec);
    assertValidJob(spec, layout);
    assert.equal(layout.batchSize, 1);
  }
  const single = jobLayout(trainSpec(1, 1));
  assert.deepEqual(
    {
      units: single.units,
      batchSize: single.batchSize,
      batches: single.batches,
      chains: single.chains,
    },
    { units: 1, batchSize: 1, batches: 1, chains: 1 },
  );
  for (const end of [10, 35]) {
    const spec = dataSpec(end);
    for (const batchSize of [undefined, 1, 3, 64, 1000]) assertValidJob(spec, jobLayout(spec, { batchSize }));
  }
  // A batch size above the unit count is capped by it.
  assert.equal(jobLayout(dataSpec(10), { batchSize: 8 }).batchSize, 1);
});

let anvil: Awaited<ReturnType<typeof startAnvil>>;
let deployment: Deployment;
const requesterKey = anvilKeys[1] as `0x${string}`;
before(async () => {
  anvil = await startAnvil();
  deployment = await deployProtocol({
    rpcUrl: anvil.rpcUrl,
    deployerKey: anvilKeys[0] as `0x${string}`,
    preset: "devnet",
    genesis: [
      {
        address: privateKeyToAccount(requesterKey).address,
        amount: parseEther("1000"),
      },
    ],
    outDir: mkdtempSync(path.join(tmpdir(), "mai-layout-")),
  });
});
after(async () => {
  await anvil?.stop();
});

test("the contract takes the SDK's layout of a one-chain, one-unit training job", async () => {
  const clients = await createSdkClients({
    rpcUrl: anvil.rpcUrl,
    deployment,
    account: requesterKey,
    pollingInterval: 50,
  });
  for (const [chains, units] of [
    [1, 1],
    [2, 1],
  ] as const) {
    const spec = trainSpec(chains, units);
    const layout = jobLayout(spec);
    const { jobId } = await submitJob(clients, { spec });
    const status = await getJobStatus(clients, jobId);
    assert.equal(status.units, layout.units);
    assert.equal(status.batches, layout.batches);
    assert.equal(status.counts.Open, layout.batches);
    const job = await clients.publicClient.readContract({
      address: deployment.contracts.jobMarket,
      abi: jobMarketAbi,
      functionName: "getJob",
      args: [jobId],
    });
    assert.equal(job.chains, BigInt(layout.chains));
    assert.equal(job.batchSize, BigInt(layout.batchSize));
  }
});
