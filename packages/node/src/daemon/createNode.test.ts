import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { jobMarketAbi, maiTokenAbi, rewardEngineAbi } from "@maitoken/protocol";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { type Address, type Hex, hexToString } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { encryptKeystore } from "../keys/encryptKeystore.js";
import type { BatchManifest } from "../miner/BatchManifest.js";
import { createSdkClients } from "../sdk/createSdkClients.js";
import { getResults } from "../sdk/getResults.js";
import { anvilKeys } from "../testing/anvilKeys.js";
import { batchRef } from "./batchRef.js";
import { BatchState } from "./BatchState.js";
import { MAI, startTestNetwork, waitFor } from "../testing/startTestNetwork.js";

const dataSpec = {
  version: 1,
  engine: "mai-engine/1",
  kind: "data",
  seed: 1,
  dataset: { id: "mnist-v1", split: "test", start: 0, end: 60 },
  itemsPerUnit: 10,
  transforms: [
    { op: "normalize", mean: 0.1307, std: 0.3081 },
    { op: "avgPool", size: 2 },
  ],
};

let net: Awaited<ReturnType<typeof startTestNetwork>>;
before(async () => {
  net = await startTestNetwork();
});
after(async () => {
  await net?.stop();
});

test("an honest miner and an auditor complete an audited job: batches accepted, miner paid and rewarded", {
  timeout: 120_000,
}, async () => {
  const miner = await net.startNode(0, { roles: ["miner", "keeper"] });
  // The auditor's hot key comes from an encrypted keystore, its password from the environment.
  const keystore = path.join(net.dir, "auditor-key.json");
  writeFileSync(
    keystore,
    JSON.stringify(await encryptKeystore({ privateKey: anvilKeys[4] as Hex, password: "pw-test", light: true })),
  );
  process.env.MAI_TEST_KEYSTORE_PASSWORD = "pw-test";
  const auditor = await net.startNode(1, {
    roles: ["auditor", "keeper"],
    nodeKey: undefined,
    keystore,
    keystorePasswordEnv: "MAI_TEST_KEYSTORE_PASSWORD",
  });
  assert.equal(auditor.address, privateKeyToAccount(anvilKeys[4] as Hex).address);
  const market = net.deployment.contracts.jobMarket;
  const ownerA = miner.context.owner as Address;
  const ownerB = auditor.context.owner as Address;
  const balanceOf = async (a: Address) =>
    (await net.client.readContract({
      address: net.deployment.contracts.token,
      abi: maiTokenAbi,
      functionName: "balanceOf",
      args: [a],
    })) as bigint;
  const auditorBefore = await balanceOf(ownerB);
  const balanceBefore = (await net.client.readContract({
    address: net.deployment.contracts.token,
    abi: maiTokenAbi,
    functionName: "balanceOf",
    args: [ownerA],
  })) as bigint;
  // Audit floor 100%: every batch is audited, so the auditor path runs for sure.
  // 6 units in batches of 4 and 2 (uneven: the SDK must take the posted batch size, not derive it).
  const jobId = await net.postJob(miner, dataSpec, {
    batchSize: 4,
    minAuditBps: 10_000,
  });
  for (const i of [0, 1]) {
    await waitFor(
      `batch ${i} accepted`,
      async () => {
        const b = (await net.client.readContract({
          address: market,
          abi: jobMarketAbi,
          functionName: "getBatch",
          args: [batchRef(jobId, i)],
        })) as { state: number; node: Address };
        return b.state === BatchState.Accepted ? b : undefined;
      },
      90_000,
    );
  }
  // The requester fetches both batches' output rows from the miner, each proved against its root.
  const sdkClients = await createSdkClients({ rpcUrl: net.anvil.rpcUrl, deployment: net.deployment });
  const proved = await getResults(sdkClients, jobId, { spec: dataSpec, fetchOutputs: true, verifyBatches: 2 });
  assert.equal(proved.unproved, 0);
  assert.equal(proved.verified, 2, "both batches re-executed locally to their accepted roots");
  assert.deepEqual(
    proved.batches.map((b) => b.outputs?.map((o) => o.unit)),
    [
      [0, 1, 2, 3],
      [4, 5],
    ],
  );
  assert.deepEqual(
    proved.batches.map((b) => (b.outputs?.length ?? 0) > 0),
    [true, true],
  );
  // The miner loses batch 1's output rows: that batch is reported unproved, batch 0 still proves.
  const batch1 = miner.context.store.work.get({ job: jobId, batch: 1, attempt: 0, role: "miner" });
  const manifest = JSON.parse(
    new TextDecoder().decode(await miner.context.blobs.get(batch1?.resultBlob as string)),
  ) as BatchManifest;
  for (const u of manifest.units) await miner.context.blobs.delete(u.output as string);
  const partial = await getResults(sdkClients, jobId, { spec: dataSpec, fetchOutputs: true });
  assert.equal(partial.unproved, 1);
  assert.ok((partial.batches[0]?.outputs?.length ?? 0) > 0);
  assert.equal(partial.batches[1]?.outputs, undefined);
  assert.match(partial.batches[1]?.outputsError ?? "", /./);
  // Both audits matched: the auditor revealed with proofs (its rows are written once its receipts arrive).
  await waitFor("auditor rows", async () =>
    auditor.context.store.work.listByPhase("auditor", ["revealed"]).length === 2 ? true : undefined,
  );
  // The miner's owner withdrew its credit: its token balance grew by the two batches' pay.
  await waitFor("credit withdrawn", async () => {
    const credit = (await net.client.readContract({
      address: market,
      abi: jobMarketAbi,
      functionName: "creditOf",
      args: [ownerA],
    })) as bigint;
    const balance = (await net.client.readContract({
      address: net.deployment.contracts.token,
      abi: maiTokenAbi,
      functionName: "balanceOf",
      args: [ownerA],
    })) as bigint;
    return credit === 0n && balance > balanceBefore ? true : undefined;
  });
  // Work accrued for emission in some epoch, and the node claims it once the epoch is settled.
  const engine = net.deployment.contracts.rewardEngine;
  await waitFor(
    "rewards claimed",
    async () => {
      const current = (await net.client.readContract({
        address: engine,
        abi: rewardEngineAbi,
        functionName: "currentEpoch",
      })) as bigint;
      for (let e = 0n; e <= current; e++) {
        const [weight, claimed] = (await net.client.readContract({
          address: engine,
          abi: rewardEngineAbi,
          functionName: "nodeEpochWeight",
          args: [e, miner.address],
        })) as [bigint, boolean];
        if (weight > 0n && claimed) return true;
      }
      return undefined;
    },
    60_000,
  );
  const balanceAfter = (await net.client.readContract({
    address: net.deployment.contracts.token,
    abi: maiTokenAbi,
    functionName: "balanceOf",
    args: [ownerA],
  })) as bigint;
  assert.ok(balanceAfter > balanceBefore + (3n * MAI) / 1000n, "payment plus minted rewards reached the owner");
  // The JSON API shows the job, this node's batches (with manifests) and its rewarded epochs.
  const api = async (route: string) =>
    (await (await fetch(new URL(route, miner.url))).json()) as Record<string, unknown>;
  const jobsBody = (await api("/jobs")) as { jobs: { id: string }[] };
  assert.ok(jobsBody.jobs.some((j) => j.id === jobId.toString()));
  const batchesBody = (await api(`/batches?jobId=${jobId}`)) as { batches: { phase: string; resultBlob: string }[] };
  assert.equal(batchesBody.batches.filter((b) => b.phase === "done" && b.resultBlob).length, 2);
  const rewardsBody = (await api("/rewards")) as { epochs: { claimed: boolean }[] };
  assert.ok(rewardsBody.epochs.some((e) => e.claimed));
  // The auditor was paid from the audit reserve for the two units it re-ran, and withdrew it.
  await waitFor("auditor paid", async () => ((await balanceOf(ownerB)) > auditorBefore ? true : undefined));
});

test("a spec that overstates its compute units is abandoned with the reason", { timeout: 60_000 }, async () => {
  const miner = await net.startNode(2, { roles: ["miner"] });
  // The spec is worth 1 CU per unit; the job claims 40.
  const jobId = await net.postJob(miner, { ...dataSpec, seed: 2 }, { batchSize: 2, cuPerUnit: 40n });
  const market = net.deployment.contracts.jobMarket;
  const reason = await waitFor("BatchAbandoned", async () => {
    const logs = await net.client.getContractEvents({
      address: market,
      abi: jobMarketAbi,
      eventName: "BatchAbandoned",
      fromBlock: 0n,
    });
    const mine = logs.find(
      (l) => (l.args as { node: Address }).node === miner.address && (l.args as { ref: bigint }).ref >> 32n === jobId,
    );
    return mine ? (mine.args as { reason: `0x${string}` }).reason : undefined;
  });
  assert.equal(hexToString(reason, { size: 32 }), "overstated CU");
  // The abandon re-opened the batch (a new attempt) with reason Abandoned, without a penalty.
  const reopened = await net.client.getContractEvents({
    address: market,
    abi: jobMarketAbi,
    eventName: "BatchReopened",
    fromBlock: 0n,
  });
  assert.ok(
    reopened.some((l) => {
      const a = l.args as { ref: bigint; attempt: bigint; reason: number };
      return a.ref >> 32n === jobId && a.attempt === 1n && a.reason === 1;
    }),
  );
  assert.ok(miner.context.store.kv.get<string[]>("miner.rejectedJobs")?.includes(jobId.toString()));
});
