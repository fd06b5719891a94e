import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { jobMarketAbi } from "@maitoken/protocol";
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
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { foundry } from "viem/chains";
import { batchRef } from "../daemon/batchRef.js";
import { BatchState } from "../daemon/BatchState.js";
import type { BatchView } from "../daemon/scanMarket.js";
import { anvilKeys } from "../testing/anvilKeys.js";
import { startTestNetwork, waitFor } from "../testing/startTestNetwork.js";

const dataSpec = {
  version: 1,
  engine: "mai-engine/1",
  kind: "data",
  seed: 1,
  dataset: { id: "mnist-v1", split: "test", start: 0, end: 40 },
  itemsPerUnit: 10,
  transforms: [{ op: "normalize", mean: 0.1307, std: 0.3081 }],
};
const STALE_PREDECESSOR = 3; // ReopenReason.StalePredecessor

let net: Awaited<ReturnType<typeof startTestNetwork>>;
before(async () => {
  net = await startTestNetwork();
});
after(async () => {
  await net?.stop();
});

test("the keeper re-opens a chained successor whose predecessor changed attempt, and only then", {
  timeout: 180_000,
}, async () => {
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

  // Two batches in one chain (chains = 1): batch 1 continues batch 0.
  const jobId = await net.postJob(keeper, dataSpec, {
    batchSize: 2,
    chains: 1,
  });
  const pred = batchRef(jobId, 0);
  const succ = batchRef(jobId, 1);

  // The predecessor: lease, commit, reveal (waiting out the audit seats if it was drawn for audit).
  await lease(jobId, 0);
  const root = keccak256(toHex("root of batch 0"));
  const salt = keccak256(toHex("salt of batch 0"));
  await send("commit", [[pred], [await read<Hex>("expectedCommitment", [pred, root, salt, primary.address])]]);
  const [, audited] = await waitFor("audit draw", async () => {
    const draw = await read<[boolean, boolean, boolean, bigint]>("auditDraw", [pred]);
    return draw[0] ? draw : undefined;
  });
  if (audited) {
    await waitFor("audit seated", async () =>
      (await read<BatchView>("getBatch", [pred])).state === BatchState.AuditSeated ? true : undefined,
    );
    const seats = await read<bigint>("AUDIT_SEAT_WINDOWS", []);
    const auditWindow = BigInt(net.deployment.parameters.market.auditWindow ?? 0n);
    await net.client.request({
      method: "evm_increaseTime" as never,
      params: [toHex(seats * auditWindow + 1n)] as never,
    });
  }
  await send("reveal", [[pred], [root], [salt]]);
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
