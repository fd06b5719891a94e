import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { jobMarketAbi, maiTokenAbi } from "@maitoken/protocol";
import {
  type EIP1193RequestFn,
  type Hex,
  createPublicClient,
  createWalletClient,
  custom,
  decodeFunctionData,
  http,
  parseEventLogs,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { foundry } from "viem/chains";
import { createJobProviders } from "../api/createJobProviders.js";
import { openStore } from "../store/openStore.js";
import { anvilKeys } from "../testing/anvilKeys.js";
import { MAI, startTestNetwork } from "../testing/startTestNetwork.js";
import { JobStatus } from "./BatchState.js";
import { createMarketScanner } from "./scanMarket.js";

let net: Awaited<ReturnType<typeof startTestNetwork>>;
before(async () => {
  net = await startTestNetwork();
  // Blocks on demand: the test decides when a finished job is deep enough.
  await net.client.request({ method: "evm_setIntervalMining" as never, params: [0] as never });
  await net.client.request({ method: "evm_setAutomine" as never, params: [true] as never });
});
after(async () => {
  await net?.stop();
});

const requester = privateKeyToAccount(anvilKeys[7] as Hex);

async function send(functionName: string, args: readonly unknown[], address = net.deployment.contracts.jobMarket) {
  const wallet = createWalletClient({ account: requester, chain: foundry, transport: http(net.anvil.rpcUrl) });
  const abi = address === net.deployment.contracts.token ? maiTokenAbi : jobMarketAbi;
  const hash = await wallet.writeContract({ address, abi, functionName, args } as never);
  const receipt = await net.client.waitForTransactionReceipt({ hash });
  assert.equal(receipt.status, "success", functionName);
  return receipt;
}

/** A job nobody will lease (its spec is not on any blob store): open until cancelled. */
async function createJob(): Promise<bigint> {
  const block = await net.client.getBlock();
  const receipt = await send("createJob", [
    {
      specHash: `0x${"ab".repeat(32)}`,
      units: 2,
      batchSize: 1,
      cuPerUnit: 1n,
      pricePerUnit: 10n ** 15n,
      auditReserve: MAI,
      requesterBond: MAI / 5n,
      deadline: Number(block.timestamp) + 3600,
      minAuditBps: 0,
      chains: 0,
      minDeviceClass: 0,
    },
  ]);
  const [created] = parseEventLogs({ abi: jobMarketAbi, logs: receipt.logs, eventName: "JobCreated" });
  return (created as unknown as { args: { jobId: bigint } }).args.jobId;
}

const mine = (blocks: number) =>
  net.client.request({ method: "anvil_mine" as never, params: [`0x${blocks.toString(16)}`] as never });

/** A client that records which jobs each scan reads (`getJob` calls), over the real RPC. */
function countingClient() {
  const reads: bigint[] = [];
  const upstream = http(net.anvil.rpcUrl)({ chain: foundry });
  const request: EIP1193RequestFn = async (args) => {
    if (args.method === "eth_call") {
      const [call] = args.params as [{ data?: Hex; input?: Hex }];
      const data = call.data ?? call.input;
      if (data) {
        try {
          const decoded = decodeFunctionData({ abi: jobMarketAbi, data });
          if (decoded.functionName === "getJob") reads.push(decoded.args?.[0] as bigint);
        } catch {}
      }
    }
    return upstream.request(args as never);
  };
  return { client: createPublicClient({ chain: foundry, transport: custom({ request }) }), reads };
}

test("the market scan reads open jobs only, bounds the finished ones it lists, and resumes from its watermark", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "mai-scan-"));
  const store = openStore({ file: path.join(dir, "node.sqlite") });
  try {
    const market = net.deployment.contracts.jobMarket;
    await send("approve", [market, 100n * MAI], net.deployment.contracts.token);
    const ids: bigint[] = [];
    for (let i = 0; i < 5; i++) ids.push(await createJob());
    const [j1, j2, j3, j4, j5] = ids as [bigint, bigint, bigint, bigint, bigint];
    for (const id of [j1, j2, j4]) await send("cancel", [id]);

    const { client, reads } = countingClient();
    const options = { store, recentFinished: 2, finalityBlocks: 3 };
    const scanner = createMarketScanner(client, market, options);
    const listed = async () => (await scanner.scan()).jobs.map((j) => j.id);

    // Jobs 1, 2 and 4 are finished (cancelled before any lease) but not final enough: read again
    // each scan; the view lists the open ones and the last 2 to finish.
    assert.deepEqual(await listed(), [j2, j3, j4, j5]);
    reads.length = 0;
    assert.deepEqual(await listed(), [j2, j3, j4, j5]);
    assert.deepEqual(reads, [j1, j2, j3, j4, j5], "finished jobs are re-read until final enough");

    // Three blocks later they are never read again, and the watermark passes jobs 1 and 2.
    await mine(3);
    reads.length = 0;
    const view = await scanner.scan();
    assert.deepEqual(
      view.jobs.map((j) => j.id),
      [j2, j3, j4, j5],
    );
    reads.length = 0;
    await scanner.scan();
    assert.deepEqual(reads, [j3, j5], "only the open jobs are read");
    assert.equal(store.kv.get(`market.finishedBelow.${market.toLowerCase()}`), j3.toString());
    assert.deepEqual(
      [j1, j2, j3, j4, j5].map((id) => view.isFinished(id)),
      [true, true, false, true, false],
    );

    // Job 3 finishes: the watermark moves past job 4, and the list keeps 2 finished jobs (3 and 4).
    await send("cancel", [j3]);
    await scanner.scan();
    await mine(3);
    assert.deepEqual(await listed(), [j3, j4, j5]);
    assert.equal(store.kv.get(`market.finishedBelow.${market.toLowerCase()}`), j5.toString());

    // A restarted node starts at the stored watermark: it reads job 5 only.
    const restarted = countingClient();
    const again = await createMarketScanner(restarted.client, market, options).scan();
    assert.deepEqual(restarted.reads, [j5]);
    assert.deepEqual(
      again.jobs.map((j) => j.id),
      [j5],
    );
    assert.ok(again.isFinished(j1) && again.isFinished(j4) && !again.isFinished(j5));
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a job whose finish a reorg undid is open again in the next scan", async () => {
  const market = net.deployment.contracts.jobMarket;
  await send("approve", [market, 100n * MAI], net.deployment.contracts.token);
  const id = await createJob();
  const scanner = createMarketScanner(net.client, market, { finalityBlocks: 3 });
  const snapshot = await net.client.request({ method: "evm_snapshot" as never });
  await send("cancel", [id]);
  const finished = await scanner.scan();
  assert.ok(finished.isFinished(id));
  await net.client.request({ method: "evm_revert" as never, params: [snapshot] as never });
  const reopened = await scanner.scan();
  assert.equal(reopened.isFinished(id), false);
  const entry = reopened.jobs.find((j) => j.id === id);
  assert.equal(entry?.job.status, 0n, "listed as the open job it is again");
});

test("the API lists the scanned jobs and reads a job that left the view from the chain", async () => {
  const market = net.deployment.contracts.jobMarket;
  await send("approve", [market, 100n * MAI], net.deployment.contracts.token);
  const [open, cancelled] = [await createJob(), await createJob()];
  await send("cancel", [cancelled]);
  // A scanner that lists no finished job at all, final at once.
  const scanner = createMarketScanner(net.client, market, { recentFinished: 0, finalityBlocks: 0 });
  const view = await scanner.scan();
  const api = createJobProviders({ client: net.client, market, view: () => view });
  const listed = (await api.jobs({ offset: 0, limit: 100 })) as { jobs: { id: bigint }[] };
  assert.ok(listed.jobs.some((j) => j.id === open));
  assert.ok(!listed.jobs.some((j) => j.id === cancelled), "a finished job is not listed");
  const read = (await api.job(cancelled)) as { id: bigint; status: bigint; batches: unknown[] };
  assert.equal(read.id, cancelled);
  assert.equal(Number(read.status) & JobStatus.FINAL, JobStatus.FINAL, "read from the chain, final");
  assert.equal(read.batches.length, 2);
  assert.equal(await api.job(cancelled + 1000n), undefined, "no such job");
  assert.equal(await api.job(0n), undefined);
});
