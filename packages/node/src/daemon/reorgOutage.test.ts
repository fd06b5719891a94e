import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { jobMarketAbi } from "@maitoken/protocol";
import type { Address, Hex } from "viem";
import { createTcpProxy, type TcpProxy } from "../testing/createTcpProxy.js";
import { startTestNetwork, waitFor } from "../testing/startTestNetwork.js";
import { batchRef } from "./batchRef.js";
import { BatchState } from "./BatchState.js";
import { testDataSpec } from "../testing/testDataSpec.js";

const dataSpec = (seed: number) => testDataSpec({ seed, start: 300, end: 340 });

let net: Awaited<ReturnType<typeof startTestNetwork>>;
let proxy: TcpProxy | undefined;
before(async () => {
  // Leases of a minute, not the devnet's 10 s: a stalled, killed or reorged node must not lose its
  // lease while it recovers (these tests are about recovering, not about expiry).
  net = await startTestNetwork({ overrides: { minLeaseDuration: 60n } });
  // One auditor (and keeper) for both tests, so audited batches settle.
  await net.startNode(2, { roles: ["auditor", "keeper"] });
});
after(async () => {
  await proxy?.close();
  await net?.stop();
});

const market = () => net.deployment.contracts.jobMarket;
const getBatch = async (jobId: bigint, i: number) =>
  (await net.client.readContract({
    address: market(),
    abi: jobMarketAbi,
    functionName: "getBatch",
    args: [batchRef(jobId, i)],
  })) as { state: number; attempt: bigint; node: Address };

async function waitAccepted(jobId: bigint, batches: number) {
  for (let i = 0; i < batches; i++) {
    await waitFor(
      `batch ${i} of job ${jobId} accepted`,
      async () => ((await getBatch(jobId, i)).state === BatchState.Accepted ? true : undefined),
      120_000,
    );
  }
}

async function commitsOf(jobId: bigint) {
  const logs = await net.client.getContractEvents({
    address: market(),
    abi: jobMarketAbi,
    eventName: "BatchCommitted",
    fromBlock: 0n,
  });
  return logs.filter((l) => (l.args as { ref: bigint }).ref >> 32n === jobId);
}

test("the RPC goes away for a while and comes back: the node carries on and finishes the job", {
  timeout: 180_000,
}, async () => {
  proxy = await createTcpProxy({ targetPort: net.anvil.port });
  const miner = await net.startNode(0, { roles: ["miner", "keeper"], rpcUrl: proxy.url });
  let ended = false;
  void miner.stopped.then(() => {
    ended = true;
  });
  const jobId = await net.postJob(miner, dataSpec(11), { batchSize: 2 });
  await waitFor("first lease", async () => ((await getBatch(jobId, 0)).state !== BatchState.Open ? true : undefined));

  proxy.cut();
  await new Promise((r) => setTimeout(r, 6_000));
  assert.equal(ended, false, "the node is still running during the outage");
  const during = await net.client.getBlockNumber();
  proxy.restore();

  await waitAccepted(jobId, 2);
  assert.ok((await net.client.getBlockNumber()) > during);
  const commits = await commitsOf(jobId);
  for (let i = 0; i < 2; i++) {
    assert.equal(commits.filter((l) => (l.args as { ref: bigint }).ref === batchRef(jobId, i)).length, 1);
  }
  assert.equal(ended, false, "the node is still running after the outage");
  await miner.stop();
});

test("a reorg that drops the node's commit is recovered: the same signed commit is sent again", {
  timeout: 180_000,
}, async () => {
  const miner = await net.startNode(1, { roles: ["miner", "keeper"] });
  const jobId = await net.postJob(miner, dataSpec(12), { batchSize: 4 });
  const ref = batchRef(jobId, 0);
  const first = await waitFor(
    "the commit is mined",
    async () => (await commitsOf(jobId)).find((l) => (l.args as { ref: bigint }).ref === ref),
    90_000,
    50,
  );
  // No block may land between reading the head and the reorg (the depth would fall one short and
  // the commit survive), nor before the batch is read back: mining pauses meanwhile.
  await net.client.request({ method: "evm_setIntervalMining" as never, params: [0] as never });
  const head = await net.client.getBlockNumber();
  const depth = Number(head - (first.blockNumber as bigint)) + 1;
  await net.client.request({ method: "anvil_reorg" as never, params: [depth, []] as never });
  const after = await getBatch(jobId, 0);
  await net.client.request({ method: "evm_setIntervalMining" as never, params: [1] as never });
  assert.equal(after.state, BatchState.Leased, "the reorg dropped the commit but kept the lease");
  assert.equal(after.node, miner.address);

  await waitAccepted(jobId, 1);
  const commits = (await commitsOf(jobId)).filter((l) => (l.args as { ref: bigint }).ref === ref);
  assert.equal(commits.length, 1, "one commit on the canonical chain");
  // The same logical transaction: the journaled commit intent, re-broadcast (or, if it waited too
  // long behind a lower nonce the reorg also dropped, replaced with the same nonce and higher fees).
  const intents = miner.context.store.db
    .prepare("SELECT id, tx_hashes AS hashes FROM intents WHERE id LIKE 'commit:%'")
    .all() as { id: string; hashes: string }[];
  assert.equal(intents.length, 1, "one commit intent, never a second one");
  const hashes = JSON.parse(intents[0]?.hashes as string) as Hex[];
  assert.equal(hashes[0], first.transactionHash, "the intent is the commit the reorg dropped");
  assert.ok(hashes.includes(commits[0]?.transactionHash as Hex), "the canonical commit is that intent's tx");
  assert.ok((commits[0]?.blockNumber as bigint) > head - BigInt(depth), "mined again after the fork point");

  // The node's confirmed event history (API /events) follows the canonical chain: one commit, the one that stuck.
  const history = await waitFor(
    "the commit in the node's event history",
    async () => {
      const r = (await (await fetch(`${miner.url}/events?name=BatchCommitted`)).json()) as {
        events: { tx: Hex; args: { ref: string } }[];
      };
      const mine = r.events.filter((e) => BigInt(e.args.ref) === ref);
      return mine.length > 0 ? mine : undefined;
    },
    30_000,
  );
  assert.equal(history.length, 1);
  assert.equal(history[0]?.tx, commits[0]?.transactionHash);
  assert.equal((await fetch(`${miner.url}/events?fromBlock=x`)).status, 400);
  const status = (await (await fetch(`${miner.url}/status`)).json()) as { sync: { cursor: { blockNumber: string } } };
  assert.ok(BigInt(status.sync.cursor.blockNumber) >= (commits[0]?.blockNumber as bigint));
});
