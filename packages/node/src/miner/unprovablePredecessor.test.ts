import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { freePort, jobMarketAbi, nodeRegistryAbi } from "@maitoken/protocol";
import { type Hex, createWalletClient, http, keccak256, toHex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { foundry } from "viem/chains";
import { createHttpServer } from "../api/createHttpServer.js";
import { createBlobStore } from "../blobs/createBlobStore.js";
import { batchRef } from "../daemon/batchRef.js";
import { BatchState } from "../daemon/BatchState.js";
import { anvilKeys } from "../testing/anvilKeys.js";
import { MAI, startTestNetwork, waitFor } from "../testing/startTestNetwork.js";

// One chain of two training units: batch 1 continues from batch 0's final checkpoint.
const trainSpec = {
  version: 1,
  engine: "mai-engine/1",
  kind: "train",
  seed: 21,
  dataset: { id: "mnist-v1", split: "train", start: 0, end: 256 },
  model: { kind: "mlp", inputSize: 784, hidden: [8], classes: 10, activation: "relu" },
  optimizer: { kind: "sgd", lr: 0.1, momentum: 0.9 },
  batchSize: 16,
  stepsPerUnit: 4,
  checkpoints: 2,
  unitsPerChain: 2,
  chains: [{}],
};

let net: Awaited<ReturnType<typeof startTestNetwork>>;
before(async () => {
  net = await startTestNetwork();
});
after(async () => {
  await net?.stop();
});

test("a successor whose predecessor revealed an unprovable result waits for the audit to re-open it, then finishes the chain", {
  timeout: 200_000,
}, async () => {
  const market = net.deployment.contracts.jobMarket;
  const read = <T>(functionName: string, args: readonly unknown[]) =>
    net.client.readContract({ address: market, abi: jobMarketAbi, functionName, args } as never) as Promise<T>;

  // Node 0 registers at a fixed port, then the test plays it: a primary that reveals a made-up root and
  // serves a manifest whose unit roots do not rebuild it.
  const port = await freePort();
  const registered = await net.startNode(0, { roles: ["keeper"], httpPort: port });
  await registered.stop();
  const cheater = privateKeyToAccount(anvilKeys[2] as Hex);
  const wallet = createWalletClient({ account: cheater, chain: foundry, transport: http(net.anvil.rpcUrl) });
  const send = async (functionName: string, args: readonly unknown[]) => {
    const hash = await wallet.writeContract({ address: market, abi: jobMarketAbi, functionName, args } as never);
    assert.equal((await net.client.waitForTransactionReceipt({ hash })).status, "success", functionName);
  };
  const blobStore = await createBlobStore({ dir: mkdtempSync(path.join(tmpdir(), "mai-fake-")), fsync: false });
  const rows: unknown[] = [];
  const fake = createHttpServer({
    blobStore,
    authorizePut: async () => false,
    port,
    providers: { batches: () => ({ batches: rows }) },
  });
  await fake.listen();

  try {
    const auditor = await net.startNode(1, { roles: ["auditor", "keeper"] });
    const jobId = await net.postJob(auditor, trainSpec, { batchSize: 1, chains: 1, minAuditBps: 10_000 });
    const pred = batchRef(jobId, 0);
    const succ = batchRef(jobId, 1);
    await waitFor("batch 0 leasable", async () =>
      (await read<[boolean, boolean]>("leaseEligibility", [pred, cheater.address]))[0] ? true : undefined,
    );
    await send("leaseBatches", [jobId, [0n]]);

    const root = keccak256(toHex("a root nobody computed"));
    const salt = keccak256(toHex("salt"));
    const fakeUnitRoot = keccak256(toHex("another root"));
    const manifest = await blobStore.put(
      new TextEncoder().encode(
        JSON.stringify({
          version: 1,
          job: jobId.toString(),
          batch: 0,
          attempt: 0,
          node: cheater.address,
          root,
          units: [{ index: 0, root: fakeUnitRoot, leaves: [fakeUnitRoot] }],
        }),
      ),
    );
    rows.push({
      job: jobId.toString(),
      batch: 0,
      attempt: 0,
      role: "miner",
      resultRoot: root,
      resultBlob: manifest.hash,
    });
    // Committed at once: the lease is the devnet's 10 s.
    await send("commit", [[pred], [await read<Hex>("expectedCommitment", [pred, root, salt, cheater.address])]]);
    // The honest miner (also an auditor and keeper) joins once the cheater holds the chain's head.
    const honest = await net.startNode(2, { roles: ["miner", "auditor", "keeper"] });
    // Every batch is audited: the primary reveals once the auditor has committed.
    await waitFor(
      "audit committed",
      async () =>
        (await read<{ state: number }>("getBatch", [pred])).state === BatchState.AuditCommitted ? true : undefined,
      60_000,
    );
    await send("reveal", [[pred], [root], [salt]]);

    // The honest node leases the successor while the made-up root stands, finds it unprovable and waits.
    await waitFor(
      "successor leased on the bad predecessor",
      async () => honest.context.store.work.get({ job: jobId, batch: 1, attempt: 0, role: "miner" }),
      60_000,
    );
    // The auditor wins the dispute, batch 0 re-opens, the stale successor is re-opened, and the honest
    // node computes the whole chain.
    for (const ref of [pred, succ]) {
      await waitFor(
        `batch ${ref & 0xffffffffn} accepted`,
        async () =>
          (await read<{ state: number }>("getBatch", [ref])).state === BatchState.Accepted ? true : undefined,
        150_000,
      );
    }
    const abandoned = await net.client.getContractEvents({
      address: market,
      abi: jobMarketAbi,
      eventName: "BatchAbandoned",
      fromBlock: 0n,
    });
    assert.equal(abandoned.length, 0, "nobody abandoned: the successor waited instead");
    assert.ok(
      !(honest.context.store.kv.get<string[]>("miner.rejectedJobs") ?? []).includes(jobId.toString()),
      "the honest node did not reject the job",
    );
    const [b0, b1] = await Promise.all([
      read<{ attempt: bigint; node: string }>("getBatch", [pred]),
      read<{ attempt: bigint; node: string }>("getBatch", [succ]),
    ]);
    assert.ok(b0.attempt >= 1n && b1.attempt >= 1n, "both batches were re-run on a new attempt");
    assert.equal(b0.node, honest.address);
    assert.equal(b1.node, honest.address);
    const slashed = (await net.client.readContract({
      address: net.deployment.contracts.registry,
      abi: nodeRegistryAbi,
      functionName: "getNode",
      args: [cheater.address],
    })) as { stake: bigint };
    assert.ok(slashed.stake < 100n * MAI, `the made-up root cost its primary stake (now ${slashed.stake})`);
  } finally {
    await fake.close();
  }
});
