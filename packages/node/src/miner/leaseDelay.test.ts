import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { jobMarketAbi } from "@maitoken/protocol";
import { startTestNetwork, waitFor } from "../testing/startTestNetwork.js";
import { testDataSpec } from "../testing/testDataSpec.js";

let net: Awaited<ReturnType<typeof startTestNetwork>>;
before(async () => {
  net = await startTestNetwork();
});
after(async () => {
  await net?.stop();
});

// Without a delay a lease lands 2-3 blocks after the batch opens (its sortition seed is the block
// after); a node told to wait leaves the batch open until the head is that many blocks past it.
test("a miner with a lease delay leaves a fresh batch open for that many blocks, then leases it", {
  timeout: 90_000,
}, async () => {
  const delay = 8;
  const node = await net.startNode(0, { roles: ["miner"], leaseDelayBlocks: delay });
  const jobId = await net.postJob(node, testDataSpec({ seed: 31, start: 0, end: 10 }), { batchSize: 1 });
  const market = net.deployment.contracts.jobMarket;
  const [created] = await net.client.getContractEvents({
    address: market,
    abi: jobMarketAbi,
    eventName: "JobCreated",
    args: { jobId },
    fromBlock: 0n,
  });
  const leased = await waitFor(
    "the batch leased",
    async () =>
      (
        await net.client.getContractEvents({
          address: market,
          abi: jobMarketAbi,
          eventName: "BatchLeased",
          fromBlock: 0n,
        })
      )[0],
    60_000,
  );
  assert.equal(leased.args.node, node.context.address);
  const createdBlock = created?.blockNumber ?? 0n;
  // Sent once the head is `delay` blocks past the opening block, so mined at least one block later.
  assert.ok(
    (leased.blockNumber ?? 0n) > createdBlock + BigInt(delay),
    `leased in block ${leased.blockNumber}, the job opened in ${createdBlock}`,
  );
});
