import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { jobMarketAbi, nodeRegistryAbi } from "@maitoken/protocol";
import {
  type Address,
  type Hex,
  createWalletClient,
  encodeAbiParameters,
  http,
  keccak256,
  pad,
  parseEventLogs,
  toHex,
  zeroAddress,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { foundry } from "viem/chains";
import { batchRef } from "../daemon/batchRef.js";
import { BatchState, JobStatus } from "../daemon/BatchState.js";
import type { BatchView } from "../daemon/scanMarket.js";
import { anvilKeys } from "../testing/anvilKeys.js";
import { startTestNetwork, waitFor } from "../testing/startTestNetwork.js";
import { testDataSpec } from "../testing/testDataSpec.js";

const dataSpec = testDataSpec({ seed: 1, start: 0, end: 40 });
const STALE_PREDECESSOR = 3; // ReopenReason.StalePredecessor

let net: Awaited<ReturnType<typeof startTestNetwork>>;
before(async () => {
  net = await startTestNetwork();
});
after(async () => {
  await net?.stop();
});

/** Node 0 plays a miner by hand (its daemon only registered it); node 1 runs the keeper role. */
async function startActors() {
  const market = net.deployment.contracts.jobMarket;
  // Node 0 registers (its daemon does, with the owner key), then the test plays it by hand.
  const primaryNode = await net.startNode(0, {
    roles: ["keeper"],
    blobGcIntervalMinutes: 0,
  });
  await primaryNode.stop();
  const primary = privateKeyToAccount(anvilKeys[2] as Hex);
  const wallet = createWalletClient({
    account: primary,
    chain: foundry,
    transport: http(net.anvil.rpcUrl),
  });
  const keeper = await net.startNode(1, {
    roles: ["keeper"],
    blobGcIntervalMinutes: 0,
  });

  const read = <T>(functionName: string, args: readonly unknown[]) =>
    net.client.readContract({
      address: market,
      abi: jobMarketAbi,
      functionName,
      args,
    } as never) as Promise<T>;
  const send = async (functionName: string, args: readonly unknown[]) => {
    const hash = await wallet.writeContract({
      address: market,
      abi: jobMarketAbi,
      functionName,
      args,
    } as never);
    const receipt = await net.client.waitForTransactionReceipt({ hash });
    assert.equal(receipt.status, "success", functionName);
    return receipt;
  };
  const lease = async (jobId: bigint, index: number) => {
    const ref = batchRef(jobId, index);
    await waitFor(`batch ${index} leasable`, async () =>
      (await read<[boolean, boolean]>("leaseEligibility", [ref, primary.address]))[0] ? true : undefined,
    );
    await send("leaseBatches", [jobId, [BigInt(index)]]);
  };
  /** Commits a leased batch to a made-up root; returns what its reveal needs. */
  const commit = async (ref: bigint) => {
    const root = keccak256(toHex(`root of ${ref}`));
    const salt = keccak256(toHex(`salt of ${ref}`));
    await send("commit", [[ref], [await read<Hex>("expectedCommitment", [ref, root, salt, primary.address])]]);
    return { root, salt };
  };
  /** Commits and reveals a leased batch (waiting out the audit seats if it was drawn for audit). */
  const commitAndReveal = async (ref: bigint) => {
    const { root, salt } = await commit(ref);
    const [, audited] = await waitFor("audit draw", async () => {
      const draw = await read<[boolean, boolean, boolean, bigint]>("auditDraw", [ref]);
      return draw[0] ? draw : undefined;
    });
    if (audited) {
      await waitFor("audit seated", async () =>
        (await read<BatchView>("getBatch", [ref])).state === BatchState.AuditSeated ? true : undefined,
      );
      const seats = await read<bigint>("AUDIT_SEAT_WINDOWS", []);
      const auditWindow = BigInt(net.deployment.parameters.market.auditWindow ?? 0n);
      await net.client.request({
        method: "evm_increaseTime" as never,
        params: [toHex(seats * auditWindow + 1n)] as never,
      });
    }
    await send("reveal", [[ref], [root], [salt]]);
  };
  return { market, primary, keeper, read, lease, commit, commitAndReveal };
}

let actors: ReturnType<typeof startActors> | undefined;

test("the keeper re-opens a chained successor whose predecessor changed attempt, and only then", {
  timeout: 180_000,
}, async () => {
  actors ??= startActors();
  const { market, primary, keeper, read, lease, commitAndReveal } = await actors;

  // Two batches in one chain (chains = 1): batch 1 continues batch 0.
  const jobId = await net.postJob(keeper, dataSpec, {
    batchSize: 2,
    chains: 1,
  });
  const pred = batchRef(jobId, 0);
  const succ = batchRef(jobId, 1);

  // The predecessor: lease, commit, reveal.
  await lease(jobId, 0);
  await commitAndReveal(pred);
  assert.equal((await read<BatchView>("getBatch", [pred])).state, BatchState.Accepted);

  // The successor, leased on predecessor attempt 0: not stale, so the keeper leaves it alone.
  await lease(jobId, 1);
  await new Promise((r) => setTimeout(r, 3000));
  let s = await read<BatchView>("getBatch", [succ]);
  assert.equal(s.state, BatchState.Leased);
  assert.equal(s.attempt, 0n);
  assert.equal(keeper.context.store.intents.get(`keeper:reopenStale:${succ}:0`), undefined, "no probe was sent");

  // Only a lost dispute moves an accepted-path predecessor to another attempt; that flow is the
  // contracts' to test. Here the predecessor's record is rewritten in anvil's state instead: first
  // its attempt alone (back in `Revealed` or later on another attempt: only a probe can tell)...
  const slot = await batchSlot(pred, primary.address);
  const word = BigInt((await net.client.getStorageAt({ address: market, slot })) as Hex);
  const setPred = (state: number, attempt: number) =>
    net.client.request({
      method: "anvil_setStorageAt" as never,
      params: [market, slot, pad(toHex((word & ~0xffffn) | (BigInt(attempt) << 8n) | BigInt(state)))] as never,
    });
  await setPred(BatchState.Accepted, 1);
  s = await waitFor("successor re-opened (probe)", async () => {
    const b = await read<BatchView>("getBatch", [succ]);
    return b.attempt === 1n ? b : undefined;
  });
  assert.equal(s.state, BatchState.Open);
  await assertReopenedStale(keeper, succ, 0);

  // ...then, on the successor's next attempt, a predecessor re-opened to `Open` (the views suffice).
  await lease(jobId, 1);
  await new Promise((r) => setTimeout(r, 2000));
  assert.equal((await read<BatchView>("getBatch", [succ])).state, BatchState.Leased, "fresh again on attempt 1");
  await setPred(BatchState.Open, 2);
  s = await waitFor("successor re-opened (views)", async () => {
    const b = await read<BatchView>("getBatch", [succ]);
    return b.attempt === 2n ? b : undefined;
  });
  assert.equal(s.state, BatchState.Open);
  await assertReopenedStale(keeper, succ, 1);
});

test("the keeper closes the successors of an Indeterminate batch down the chain, without penalty", {
  timeout: 120_000,
}, async () => {
  actors ??= startActors();
  const { market, primary, keeper, read, lease, commit, commitAndReveal } = await actors;
  const registry = net.deployment.contracts.registry;
  const readRegistry = <T>(functionName: string, args: readonly unknown[]) =>
    net.client.readContract({
      address: registry,
      abi: nodeRegistryAbi,
      functionName,
      args,
    } as never) as Promise<T>;
  type NodeView = { owner: Address; reputation: number; stake: bigint; locked: bigint };
  const requester = privateKeyToAccount(anvilKeys[7] as Hex).address;

  // One chain of three one-unit batches: 0 -> 1 -> 2.
  const jobId = await net.postJob(
    keeper,
    { ...dataSpec, dataset: { ...dataSpec.dataset, end: 30 } },
    {
      batchSize: 1,
      chains: 1,
    },
  );
  const refs = [0, 1, 2].map((i) => batchRef(jobId, i));
  const [b0, b1, b2] = refs as [bigint, bigint, bigint];
  assert.equal((await read<{ batches: bigint }>("getJob", [jobId])).batches, 3n);

  // Batch 0 accepted, batch 1 leased on it and committed (its collateral locked), batch 2 still open.
  await lease(jobId, 0);
  await commitAndReveal(b0);
  assert.equal((await read<BatchView>("getBatch", [b0])).state, BatchState.Accepted);
  await lease(jobId, 1);
  await commit(b1);
  const leased = await read<BatchView>("getBatch", [b1]);
  assert.ok(leased.state >= BatchState.Committed && leased.state <= BatchState.AuditSeated, `state ${leased.state}`);
  assert.ok(leased.collateral > 0n);
  assert.equal((await read<BatchView>("getBatch", [b2])).state, BatchState.Open);

  const before = await readRegistry<NodeView>("getNode", [primary.address]);
  assert.equal(await readRegistry<bigint>("freeStake", [primary.address]), before.stake - leased.collateral);
  const job = await read<{
    escrow: bigint;
    auditReserve: bigint;
    bond: bigint;
    compensationPool: bigint;
    pricePerUnit: bigint;
  }>("getJob", [jobId]);
  assert.equal(job.escrow, 2n * job.pricePerUnit, "batch 0 was paid; batches 1 and 2 are in escrow");
  const credit = (account: Address) => read<bigint>("creditOf", [account]);
  const [requesterBefore, ownerBefore] = await Promise.all([credit(requester), credit(before.owner)]);

  // Reaching Indeterminate for real takes two dispute rounds with no majority; the predecessor's record
  // is rewritten in anvil's state instead (same attempt, state Indeterminate).
  const slot = await batchSlot(b0, primary.address);
  const word = BigInt((await net.client.getStorageAt({ address: market, slot })) as Hex);
  await net.client.request({
    method: "anvil_setStorageAt" as never,
    params: [market, slot, pad(toHex((word & ~0xffn) | BigInt(BatchState.Indeterminate)))] as never,
  });
  assert.equal((await read<BatchView>("getBatch", [b0])).state, BatchState.Indeterminate);

  // The keeper closes batch 1, and only on a later tick (seeing batch 1 Indeterminate) batch 2.
  await waitFor(
    "batch 2 orphaned",
    async () => ((await read<BatchView>("getBatch", [b2])).state === BatchState.Indeterminate ? true : undefined),
    30_000,
  );
  for (const ref of [b1, b2]) assert.equal((await read<BatchView>("getBatch", [ref])).state, BatchState.Indeterminate);
  // The journal catches up with the chain once the tx manager saw the receipts.
  const closeOrphanIntents = () =>
    keeper.context.store.db
      .prepare("SELECT id, status, tx_hash AS txHash FROM intents WHERE id LIKE 'keeper:closeOrphan:%' ORDER BY id")
      .all() as { id: string; status: string; txHash: Hex }[];
  await waitFor("closeOrphan intents mined", async () =>
    closeOrphanIntents().filter((i) => i.status === "mined").length >= 2 ? true : undefined,
  );
  const intents = closeOrphanIntents();
  assert.deepEqual(
    intents.map((i) => [i.id, i.status]),
    [b1, b2].map((ref) => [`keeper:closeOrphan:${ref}:0`, "mined"]).sort(),
    "one journaled closeOrphan per orphan, nothing retried",
  );
  const receipts = await Promise.all(
    [b1, b2].map((ref) =>
      net.client.getTransactionReceipt({
        hash: intents.find((i) => i.id === `keeper:closeOrphan:${ref}:0`)?.txHash as Hex,
      }),
    ),
  );
  const [r1, r2] = receipts as [(typeof receipts)[0], (typeof receipts)[0]];
  assert.ok(r1.blockNumber < r2.blockNumber, "batch 1 closed before batch 2");
  let compensations = 0n;
  for (const [n, receipt] of receipts.entries()) {
    const ref = [b1, b2][n] as bigint;
    const orphaned = parseEventLogs({
      abi: jobMarketAbi,
      logs: receipt.logs,
      eventName: "BatchOrphaned",
    }) as unknown as {
      args: { ref: bigint; node: Address; attempt: bigint; compensation: bigint };
    }[];
    assert.equal(orphaned.length, 1);
    assert.equal(orphaned[0]?.args.ref, ref);
    assert.equal(orphaned[0]?.args.attempt, 0n);
    // Batch 1 was primary's; batch 2 was never leased.
    assert.equal(orphaned[0]?.args.node, ref === b1 ? primary.address : zeroAddress);
    compensations += orphaned[0]?.args.compensation ?? 0n;
    const refunded = parseEventLogs({
      abi: jobMarketAbi,
      logs: receipt.logs,
      eventName: "BatchRefunded",
    }) as unknown as {
      args: { ref: bigint; value: bigint };
    }[];
    assert.deepEqual(
      refunded.map((e) => [e.args.ref, e.args.value]),
      [[ref, job.pricePerUnit]],
    );
    const reputation = parseEventLogs({ abi: nodeRegistryAbi, logs: receipt.logs, eventName: "ReputationChanged" });
    assert.equal(reputation.length, 0, "no reputation change");
  }

  // The primary: collateral free again, reputation untouched, paid what the (empty) pool held.
  const after = await readRegistry<NodeView>("getNode", [primary.address]);
  assert.equal(after.stake, before.stake);
  assert.equal(after.locked, before.locked - leased.collateral);
  assert.equal(await readRegistry<bigint>("freeStake", [primary.address]), after.stake);
  assert.equal(after.reputation, before.reputation);
  assert.equal((await credit(before.owner)) - ownerBefore, compensations);
  // The requester: both batch prices back and, the job being over, its reserve, bond and what is left of the pool.
  const final = await read<{ status: bigint; escrow: bigint }>("getJob", [jobId]);
  assert.equal(final.escrow, 0n);
  assert.notEqual(Number(final.status) & JobStatus.FINAL, 0, "job finished");
  assert.equal(
    (await credit(requester)) - requesterBefore,
    job.escrow + job.auditReserve + job.bond + job.compensationPool - compensations,
  );
  assert.equal(closeOrphanIntents().length, 2, "no later closeOrphan for a settled chain");
});

test("the keeper leaves the orphans of a final job alone (their value went back when it closed)", {
  timeout: 120_000,
}, async () => {
  actors ??= startActors();
  const { market, primary, keeper, read, lease, commitAndReveal } = await actors;
  const jobId = await net.postJob(keeper, dataSpec, { batchSize: 2, chains: 1 });
  const [b0, b1] = [batchRef(jobId, 0), batchRef(jobId, 1)];
  await lease(jobId, 0);
  await commitAndReveal(b0);
  assert.equal((await read<BatchView>("getBatch", [b0])).state, BatchState.Accepted);
  // Cancelled with nothing in flight: batch 1's value is refunded and the job is final at once.
  const requester = createWalletClient({
    account: privateKeyToAccount(anvilKeys[7] as Hex),
    chain: foundry,
    transport: http(net.anvil.rpcUrl),
  });
  await net.client.waitForTransactionReceipt({
    hash: await requester.writeContract({ address: market, abi: jobMarketAbi, functionName: "cancel", args: [jobId] }),
  });
  assert.notEqual(Number((await read<{ status: bigint }>("getJob", [jobId])).status) & JobStatus.FINAL, 0, "job final");
  const slot = await batchSlot(b0, primary.address);
  const word = BigInt((await net.client.getStorageAt({ address: market, slot })) as Hex);
  await net.client.request({
    method: "anvil_setStorageAt" as never,
    params: [market, slot, pad(toHex((word & ~0xffn) | BigInt(BatchState.Indeterminate)))] as never,
  });
  // A keeper started now reads the job once, final, with batch 1 an open orphan: closing it moves
  // nothing (the contract would allow it), so no call.
  const fresh = await net.startNode(2, { roles: ["keeper"], blobGcIntervalMinutes: 0 });
  await new Promise((r) => setTimeout(r, 3000)); // ~10 ticks at 300 ms
  assert.equal((await read<BatchView>("getBatch", [b1])).state, BatchState.Open);
  for (const node of [keeper, fresh])
    assert.equal(node.context.store.intents.get(`keeper:closeOrphan:${b1}:0`), undefined, "no closeOrphan sent");
});

/** The keeper's journaled `reopenStale` for that successor attempt was mined and re-opened it as stale. */
async function assertReopenedStale(
  keeper: Awaited<ReturnType<typeof net.startNode>>,
  ref: bigint,
  attempt: number,
): Promise<void> {
  const intent = await waitFor("reopenStale mined", async () => {
    const i = keeper.context.store.intents.get(`keeper:reopenStale:${ref}:${attempt}`);
    return i?.status === "mined" ? i : undefined;
  });
  const receipt = await net.client.getTransactionReceipt({
    hash: intent.txHash as Hex,
  });
  const reopened = parseEventLogs({
    abi: jobMarketAbi,
    logs: receipt.logs,
    eventName: "BatchReopened",
  }) as unknown as {
    args: { ref: bigint; attempt: bigint; reason: number };
  }[];
  assert.equal(reopened.length, 1);
  assert.equal(reopened[0]?.args.ref, ref);
  assert.equal(Number(reopened[0]?.args.reason), STALE_PREDECESSOR);
  assert.equal(reopened[0]?.args.attempt, BigInt(attempt + 1));
}

/** The storage slot of `_batches[ref]` (first word), found by its content rather than a hard-coded layout. */
async function batchSlot(ref: bigint, node: Address): Promise<Hex> {
  for (let p = 0n; p < 256n; p++) {
    const slot = keccak256(encodeAbiParameters([{ type: "uint256" }, { type: "uint256" }], [ref, p]));
    const word = BigInt(
      (await net.client.getStorageAt({
        address: net.deployment.contracts.jobMarket,
        slot,
      })) ?? "0x0",
    );
    if (((word >> 32n) & ((1n << 160n) - 1n)) === BigInt(node)) return slot;
  }
  throw new Error("batch record not found in storage");
}
