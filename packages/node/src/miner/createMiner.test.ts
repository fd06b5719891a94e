import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { jobMarketAbi, merkleRoot } from "@maitoken/protocol";
import { parseSpec, runUnit } from "@maitoken/runtime";
import type { Hex } from "viem";
import { batchRef } from "../daemon/batchRef.js";
import { BatchState } from "../daemon/BatchState.js";
import { jobLayout } from "../sdk/jobLayout.js";
import { toRuntimeUnit } from "../sdk/toRuntimeUnit.js";
import { startTestNetwork, waitFor } from "../testing/startTestNetwork.js";

const trainSpec = {
  version: 1,
  engine: "mai-engine/1",
  kind: "train",
  seed: 11,
  dataset: { id: "mnist-v1", split: "train", start: 0, end: 512 },
  model: { kind: "mlp", inputSize: 784, hidden: [16], classes: 10, activation: "relu" },
  optimizer: { kind: "sgd", lr: 0.1, momentum: 0.9 },
  batchSize: 16,
  stepsPerUnit: 4,
  checkpoints: 2,
  unitsPerChain: 2,
  chains: [{}, { seed: 12 }],
};

let net: Awaited<ReturnType<typeof startTestNetwork>>;
before(async () => {
  net = await startTestNetwork();
});
after(async () => {
  await net?.stop();
});

test("chained training batches continue from the predecessor's checkpoint and match a local run", {
  timeout: 150_000,
}, async () => {
  const all = ["miner", "auditor", "keeper"] as const;
  const n0 = await net.startNode(0, { roles: [...all] });
  await net.startNode(1, { roles: ["auditor", "keeper"] });
  await net.startNode(2, { roles: [...all] });
  const spec = parseSpec(trainSpec);
  const layout = jobLayout(spec);
  const jobId = await net.postJob(n0, trainSpec, { batchSize: 1, chains: layout.chains });
  const market = net.deployment.contracts.jobMarket;
  const digests: Hex[] = [];
  for (let b = 0; b < layout.batches; b++) {
    digests.push(
      await waitFor(
        `batch ${b} accepted`,
        async () => {
          const v = (await net.client.readContract({
            address: market,
            abi: jobMarketAbi,
            functionName: "getBatch",
            args: [batchRef(jobId, b)],
          })) as { state: number; digest: Hex };
          return v.state === BatchState.Accepted ? v.digest : undefined;
        },
        120_000,
      ),
    );
  }
  // The same chains run locally, unit after unit from the previous final checkpoint.
  const finals = new Map<number, Uint8Array>();
  for (let b = 0; b < layout.batches; b++) {
    const index = toRuntimeUnit(spec, b);
    const chain = Math.floor(index / 2);
    const r = await runUnit(spec, index, { start: finals.get(chain) });
    if (r.kind !== "train") throw new Error("expected a train unit");
    finals.set(chain, r.checkpoints[r.checkpoints.length - 1] as Uint8Array);
    assert.equal(digests[b], merkleRoot([r.resultRoot as Hex]), `batch ${b} root`);
  }
});
