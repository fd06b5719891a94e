import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { jobMarketAbi, nodeRegistryAbi } from "@maitoken/protocol";
import { batchRef } from "../daemon/batchRef.js";
import { createSdkClients } from "../sdk/createSdkClients.js";
import { getResults } from "../sdk/getResults.js";
import { BatchState } from "../daemon/BatchState.js";
import type { BatchManifest } from "../miner/BatchManifest.js";
import { MAI, startTestNetwork, waitFor } from "../testing/startTestNetwork.js";
import { testDataSpec } from "../testing/testDataSpec.js";

const dataSpec = testDataSpec({ seed: 3, start: 100, end: 120 });

let net: Awaited<ReturnType<typeof startTestNetwork>>;
before(async () => {
  net = await startTestNetwork();
});
after(async () => {
  await net?.stop();
});

test("a cheating miner is audited, loses the dispute and is slashed; the honest result is accepted", {
  timeout: 120_000,
}, async () => {
  const cheater = await net.startNode(0, { roles: ["miner"], cheat: true });
  const a = await net.startNode(1, { roles: ["auditor", "keeper"] });
  const b = await net.startNode(2, { roles: ["auditor", "keeper"] });
  const market = net.deployment.contracts.jobMarket;
  const jobId = await net.postJob(a, dataSpec, { batchSize: 2, minAuditBps: 10_000 });
  const ref = batchRef(jobId, 0);

  const resolved = await waitFor(
    "dispute resolved",
    async () => {
      const logs = await net.client.getContractEvents({
        address: market,
        abi: jobMarketAbi,
        eventName: "DisputeResolved",
        fromBlock: 0n,
      });
      return logs.find((l) => (l.args as { ref: bigint }).ref === ref);
    },
    100_000,
  );
  assert.equal((resolved.args as { outcome: number }).outcome, 1, "the auditor's side won");
  const batch = (await net.client.readContract({
    address: market,
    abi: jobMarketAbi,
    functionName: "getBatch",
    args: [ref],
  })) as { state: number; flags: bigint; digest: `0x${string}` };
  assert.equal(batch.state, BatchState.Accepted);
  assert.equal(batch.flags & 8n, 8n, "accepted with the majority result, primary slashed");

  const node = (await net.client.readContract({
    address: net.deployment.contracts.registry,
    abi: nodeRegistryAbi,
    functionName: "getNode",
    args: [cheater.address],
  })) as { stake: bigint; reputation: number };
  assert.ok(node.stake < 100n * MAI, `the cheater's stake was slashed (now ${node.stake})`);
  assert.ok(node.reputation < 2000, "and its reputation cut");

  // One honest node audited, the other sat on the committee; both revealed the same (honest) unit root.
  const rows = (phase: string) =>
    [a, b].flatMap((n) => n.context.store.work.listByPhase("auditor", [phase])).find((w) => w.job === jobId);
  // Rows are written once each node has its receipt, which may trail the resolution by a poll.
  const auditorRow = await waitFor("audit row", async () => rows("revealed"));
  const voterRow = await waitFor("vote row", async () => rows("vote-1-revealed"));
  assert.equal(auditorRow.resultRoot, voterRow.resultRoot, "auditor and committee computed the same unit root");
  const cheaterRow = cheater.context.store.work.get({ job: jobId, batch: 0, attempt: 0, role: "miner" });
  assert.ok(cheaterRow?.resultRoot, "the cheater committed a root");
  const manifest = JSON.parse(
    new TextDecoder().decode(await cheater.context.blobs.get(cheaterRow.resultBlob as string)),
  ) as BatchManifest;
  assert.ok(!manifest.units.some((u) => u.root === auditorRow.resultRoot), "the cheater's unit roots were fake");

  // The requester gets the upheld result from the auditor, proved against the audit's root, and is
  // told that the batch's other unit has none; the slashed primary's root is not reported as a result.
  const requester = await createSdkClients({ rpcUrl: net.anvil.rpcUrl, deployment: net.deployment });
  const results = await getResults(requester, jobId, { fetchOutputs: true });
  const slashed = results.batches[0];
  assert.equal(slashed?.primarySlashed, true);
  assert.equal(slashed?.resultRoot, undefined, "the slashed primary's root is not a result");
  const [, , , unitIndex] = await net.client.readContract({
    address: market,
    abi: jobMarketAbi,
    functionName: "getAudit",
    args: [ref],
  });
  assert.deepEqual(
    slashed?.outputs?.map((o) => [o.unit, o.output.shape[0]]),
    [[Number(unitIndex), 10]],
    "the audited unit's 10 rows, from the auditor",
  );
  assert.match(slashed?.outputsError ?? "", /primary was slashed.*1 unit\(s\) missing/);
  assert.ok(results.unproved >= 1);
});
