import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { jobMarketAbi } from "@maitoken/protocol";
import type { NodeHandle } from "./createNode.js";
import { startTestNetwork, waitFor } from "../testing/startTestNetwork.js";
import { batchRef } from "./batchRef.js";
import { BatchState } from "./BatchState.js";
import { testDataSpec } from "../testing/testDataSpec.js";

const dataSpec = testDataSpec({ seed: 21, start: 400, end: 440 });

// Anvil's genesis is this far in the past, and every later block keeps the offset (a block's
// timestamp is genesis + seconds elapsed), so the chain moves but its head always looks this old.
const HEAD_AGE_SECONDS = 2_000;
const STALE_HEAD_SECONDS = 600;

let net: Awaited<ReturnType<typeof startTestNetwork>>;
before(async () => {
  net = await startTestNetwork({
    anvilArgs: ["--timestamp", String(Math.floor(Date.now() / 1000) - HEAD_AGE_SECONDS)],
  });
});
after(async () => {
  await net?.stop();
});

const getBatch = async (jobId: bigint, i: number) =>
  (await net.client.readContract({
    address: net.deployment.contracts.jobMarket,
    abi: jobMarketAbi,
    functionName: "getBatch",
    args: [batchRef(jobId, i)],
  })) as { state: number };

type Status = { paused: boolean; head?: string };
const statusOf = async (node: NodeHandle) => (await (await fetch(`${node.url}/status`)).json()) as Status;

/** Every transaction the node has journaled (registration, then whatever its roles decide). */
const intents = (node: NodeHandle) =>
  (node.context.store.db.prepare("SELECT id FROM intents ORDER BY id").all() as { id: string }[]).map((r) => r.id);

test("a node pauses while the chain head is older than staleHeadSeconds and resumes its work when it is fresh", {
  timeout: 120_000,
}, async () => {
  const head = await net.client.getBlock();
  const age = Date.now() / 1000 - Number(head.timestamp);
  assert.ok(age > STALE_HEAD_SECONDS, `the head is ${Math.round(age)} s old`);

  const miner = await net.startNode(0, { roles: ["miner", "keeper"], staleHeadSeconds: STALE_HEAD_SECONDS });
  const auditor = await net.startNode(1, { roles: ["auditor", "keeper"], staleHeadSeconds: STALE_HEAD_SECONDS });
  // createNode returns once registered; anything journaled after this is the loop acting.
  const registered = [intents(miner), intents(auditor)];
  const jobId = await net.postJob(miner, dataSpec, { batchSize: 2 });

  // Stale: both nodes scan (their head follows the chain, which keeps mining) but neither acts.
  const first = await waitFor("both nodes paused", async () => {
    const [m, a] = await Promise.all([statusOf(miner), statusOf(auditor)]);
    return m.paused && a.paused && m.head !== undefined ? m : undefined;
  });
  const until = Date.now() + 5_000;
  let last = first;
  while (Date.now() < until) {
    last = await statusOf(miner);
    assert.equal(last.paused, true, "the miner stays paused while the head is stale");
    assert.equal((await statusOf(auditor)).paused, true, "the auditor stays paused while the head is stale");
    assert.equal((await getBatch(jobId, 0)).state, BatchState.Open, "no lease while paused");
    await new Promise((r) => setTimeout(r, 300));
  }
  assert.ok(BigInt(last.head as string) > BigInt(first.head as string), "the node keeps reading a moving chain");
  assert.deepEqual(intents(miner), registered[0], "the miner sent nothing while paused");
  assert.deepEqual(intents(auditor), registered[1], "the auditor sent nothing while paused");

  // Fresh: the next block carries the wall time, and interval mining goes on from there.
  await net.client.request({
    method: "evm_setNextBlockTimestamp" as never,
    params: [Math.floor(Date.now() / 1000)] as never,
  });
  await net.client.request({ method: "evm_mine" as never, params: [] as never });
  await waitFor("both nodes resumed", async () => {
    const [m, a] = await Promise.all([statusOf(miner), statusOf(auditor)]);
    return !m.paused && !a.paused ? true : undefined;
  });
  for (let i = 0; i < 2; i++) {
    await waitFor(
      `batch ${i} accepted`,
      async () => ((await getBatch(jobId, i)).state === BatchState.Accepted ? true : undefined),
      60_000,
    );
  }
  assert.ok(
    intents(miner).some((id) => id.startsWith("lease:")),
    "the miner leased once the head was fresh",
  );
  assert.equal((await statusOf(miner)).paused, false);
});
