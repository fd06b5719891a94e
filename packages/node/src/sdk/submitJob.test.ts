import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import {
  type Deployment,
  deployProtocol,
  findRepoRoot,
  jobMarketAbi,
  maiTokenAbi,
  startAnvil,
} from "@maitoken/protocol";
import { canonicalJson, specHash } from "@maitoken/runtime";
import { createPublicClient, getAddress, http, parseEther } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { createHttpServer } from "../api/createHttpServer.js";
import { createBlobStore } from "../blobs/createBlobStore.js";
import { anvilKeys } from "../testing/anvilKeys.js";
import { cancelJob } from "./cancelJob.js";
import { createSdkClients } from "./createSdkClients.js";
import { estimateJob } from "./estimateJob.js";
import { getJobStatus } from "./getJobStatus.js";
import { SdkError } from "./SdkError.js";
import { submitJob } from "./submitJob.js";

const root = findRepoRoot();
const examples = path.join(root, "examples");
const inferSpec = JSON.parse(readFileSync(path.join(examples, "mnist-infer.json"), "utf8"));
const trainSpec = JSON.parse(readFileSync(path.join(examples, "mnist-mlp-train-small.json"), "utf8"));
const requesterKey = anvilKeys[1] as `0x${string}`;
const poorKey = anvilKeys[2] as `0x${string}`;
const requester = privateKeyToAccount(requesterKey).address;

let anvil: Awaited<ReturnType<typeof startAnvil>>;
let deployment: Deployment;
before(async () => {
  anvil = await startAnvil();
  deployment = await deployProtocol({
    rpcUrl: anvil.rpcUrl,
    deployerKey: anvilKeys[0] as `0x${string}`,
    preset: "devnet",
    genesis: [{ address: requester, amount: parseEther("1000") }],
    outDir: mkdtempSync(path.join(tmpdir(), "mai-sdk-")),
  });
});
after(async () => {
  await anvil?.stop();
});

const clientsFor = (key: `0x${string}`) =>
  createSdkClients({
    rpcUrl: anvil.rpcUrl,
    deployment,
    account: key,
    pollingInterval: 50,
  });

/** What a refused submission must leave untouched. */
async function chainFootprint(address: `0x${string}`) {
  const client = createPublicClient({ transport: http(anvil.rpcUrl) });
  const [nonce, nextJobId] = await Promise.all([
    client.getTransactionCount({ address }),
    client.readContract({
      address: deployment.contracts.jobMarket,
      abi: jobMarketAbi,
      functionName: "nextJobId",
    }),
  ]);
  return { nonce, nextJobId };
}

test("estimateJob prices a job at the protocol floor from the runtime's CU count", async () => {
  const clients = await createSdkClients({ rpcUrl: anvil.rpcUrl, deployment });
  const estimate = await estimateJob(clients, { spec: trainSpec });
  const floor = deployment.parameters.market.minPricePerCU as bigint;
  assert.equal(estimate.kind, "train");
  assert.equal(estimate.units, 1);
  assert.equal(estimate.cuPerUnit, BigInt(Math.max(1, Math.ceil(estimate.cu / estimate.units))));
  assert.equal(estimate.pricePerUnit, floor * estimate.cuPerUnit);
  assert.equal(estimate.total, estimate.priceEscrow + estimate.auditReserve + estimate.bond);
  assert.equal(estimate.bond, deployment.parameters.market.minRequesterBond);
  const doubled = await estimateJob(clients, {
    spec: trainSpec,
    pricePerCU: floor * 2n,
  });
  assert.equal(doubled.priceEscrow, estimate.priceEscrow * 2n);
});

test("submitJob escrows with a permit, posts the job and uploads its blobs; cancelJob refunds", async () => {
  const blobStore = await createBlobStore({
    dir: mkdtempSync(path.join(tmpdir(), "mai-sdk-blobs-")),
    fsync: false,
  });
  const server = createHttpServer({
    blobStore,
    authorizePut: async (a) => a === requester,
  });
  const url = await server.listen();
  try {
    const clients = await clientsFor(requesterKey);
    const result = await submitJob(clients, {
      spec: inferSpec,
      baseDir: examples,
      batchSize: 8,
      blobEndpoints: [url],
    });
    assert.equal(result.jobId, 1n);
    assert.deepEqual(result.uploads, [{ url, ok: true }]);
    assert.equal(result.specHash, specHash(result.spec));
    // The spec blob is the canonical JSON whose sha256 the chain records; the model is stored by its hash.
    assert.equal(`0x${result.blobs[0]}`, result.specHash);
    assert.equal(Buffer.from(await blobStore.get(result.blobs[0] as string)).toString(), canonicalJson(result.spec));
    const model = readFileSync(path.join(examples, "models/mnist-mlp-small.onnx"));
    assert.equal(Buffer.compare(Buffer.from(await blobStore.get(result.blobs[1] as string)), model), 0);

    const status = await getJobStatus(clients, result.jobId);
    assert.equal(getAddress(status.requester), requester);
    assert.equal(status.specHash, result.specHash);
    const { computeUnits, parseSpec } = await import("@maitoken/runtime");
    const units = computeUnits(parseSpec(result.spec)).units;
    assert.equal(status.units, units);
    assert.equal(status.batches, Math.ceil(units / 8));
    assert.equal(status.counts.Open, status.batches);
    assert.equal(status.done, false);

    const client = createPublicClient({ transport: http(anvil.rpcUrl) });
    const balanceOf = () =>
      client.readContract({
        address: deployment.contracts.token,
        abi: maiTokenAbi,
        functionName: "balanceOf",
        args: [requester],
      });
    const market = deployment.contracts.jobMarket;
    assert.equal(
      await client.readContract({
        address: deployment.contracts.token,
        abi: maiTokenAbi,
        functionName: "balanceOf",
        args: [market],
      }),
      result.estimate.total,
    );
    const before = await balanceOf();
    const cancelled = await cancelJob(clients, result.jobId);
    assert.equal(cancelled.refunded + cancelled.fee, result.estimate.priceEscrow);
    assert.ok(cancelled.fee > 0n);
    assert.equal(await balanceOf(), before, "a cancel credits the market account; tokens move on withdraw");
    assert.equal(
      await client.readContract({
        address: market,
        abi: jobMarketAbi,
        functionName: "creditOf",
        args: [requester],
      }),
      // Nothing was in flight, so the audit reserve and the bond come back at once too.
      cancelled.refunded + result.estimate.auditReserve + result.estimate.bond,
    );
    assert.equal((await getJobStatus(clients, result.jobId)).cancelled, true);
    await assert.rejects(
      cancelJob(clients, result.jobId),
      (e: unknown) => e instanceof SdkError && e.code === "JOB_CLOSED",
    );
  } finally {
    await server.close();
  }
});

test("a malformed spec, an overstated CU count and a price under the floor are refused with nothing on chain", async () => {
  const clients = await clientsFor(requesterKey);
  const before = await chainFootprint(requester);
  const bad = {
    ...trainSpec,
    stepsPerUnit: 10,
    checkpoints: 3,
    model: { ...trainSpec.model, classes: 7 },
  };
  await assert.rejects(submitJob(clients, { spec: bad }), (e: unknown) => {
    assert.ok(e instanceof SdkError && e.code === "BAD_SPEC");
    assert.match(e.message, /checkpoints/);
    assert.match(e.message, /classes/);
    return true;
  });
  await assert.rejects(submitJob(clients, { spec: trainSpec, cuPerUnit: 1_000n }), (e: unknown) => {
    assert.ok(e instanceof SdkError && e.code === "CU_OVERSTATED");
    assert.match(e.message, /1000 CU per unit/);
    return true;
  });
  await assert.rejects(
    submitJob(clients, { spec: trainSpec, pricePerCU: 1n }),
    (e: unknown) => e instanceof SdkError && e.code === "PRICE_UNDER_FLOOR",
  );
  assert.deepEqual(await chainFootprint(requester), before);
});

test("an account without MAI gets an insufficient-balance error and sends nothing", async () => {
  const clients = await clientsFor(poorKey);
  const poor = privateKeyToAccount(poorKey).address;
  const before = await chainFootprint(poor);
  await assert.rejects(submitJob(clients, { spec: trainSpec }), (e: unknown) => {
    assert.ok(e instanceof SdkError && e.code === "INSUFFICIENT_BALANCE");
    assert.match(e.message, /holds 0/);
    return true;
  });
  assert.deepEqual(await chainFootprint(poor), before);
});

test("an unreachable RPC is reported as RPC_DOWN (retryable)", async () => {
  await assert.rejects(createSdkClients({ rpcUrl: "http://127.0.0.1:9", deployment }), (e: unknown) => {
    assert.ok(e instanceof SdkError && e.code === "RPC_DOWN" && e.retryable);
    return true;
  });
});
