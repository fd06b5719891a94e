import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { maiTokenAbi, type StartAnvilReturnType, startAnvil } from "@maitoken/protocol";
import {
  type Address,
  createPublicClient,
  createTestClient,
  createWalletClient,
  encodeFunctionData,
  type Hex,
  http,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { foundry } from "viem/chains";
import { openStore, type Store } from "../store/openStore.js";
import { anvilKeys } from "../testing/anvilKeys.js";
import { createTcpProxy } from "../testing/createTcpProxy.js";
import { deployTestToken } from "../testing/deployTestToken.js";
import { type ChainSyncHandler, createChainSync } from "./createChainSync.js";

const dir = mkdtempSync(path.join(tmpdir(), "mai-sync-"));
const holder = privateKeyToAccount(anvilKeys[0] as Hex);
let anvil: StartAnvilReturnType;
let token: Address;
let deployBlock: bigint;

const rpc = (url: string) => http(url, { retryCount: 0, timeout: 2_000 });
const publicClient = (url = anvil.rpcUrl) => createPublicClient({ chain: foundry, transport: rpc(url), cacheTime: 0 });
const testClient = () => createTestClient({ chain: foundry, mode: "anvil", transport: rpc(anvil.rpcUrl) });
let amount = 0n;

/** A token transfer mined in its own block (automine); amounts are unique so each log is recognisable. */
async function transfer(): Promise<bigint> {
  amount++;
  const wallet = createWalletClient({ account: holder, chain: foundry, transport: rpc(anvil.rpcUrl) });
  const hash = await wallet.writeContract({
    address: token,
    abi: maiTokenAbi,
    functionName: "transfer",
    args: ["0x000000000000000000000000000000000000bEEF", amount],
  });
  await publicClient().waitForTransactionReceipt({ hash, pollingInterval: 20 });
  return amount;
}

/** A handler whose effects live in the store: a table with one row per log, so a duplicate fails. */
function seenHandler(store: Store): ChainSyncHandler & { removed: bigint[] } {
  store.db.exec("CREATE TABLE IF NOT EXISTS seen (amount TEXT PRIMARY KEY, block INTEGER NOT NULL)");
  const insert = store.db.prepare("INSERT INTO seen (amount, block) VALUES (?, ?)");
  const remove = store.db.prepare("DELETE FROM seen WHERE amount = ?");
  const removed: bigint[] = [];
  return {
    removed,
    onLogs: (logs) => {
      for (const log of logs) {
        assert.equal(log.eventName, "Transfer");
        insert.run(String((log.args as { value: bigint }).value), Number(log.blockNumber));
      }
    },
    onRemoved: (logs) => {
      for (const log of logs) {
        const value = (log.args as { value: bigint }).value;
        removed.push(value);
        remove.run(String(value));
      }
    },
  };
}

const seen = (store: Store) =>
  (store.db.prepare("SELECT amount FROM seen").all() as { amount: string }[])
    .map((r) => BigInt(r.amount))
    .sort((a, b) => (a < b ? -1 : 1));

async function drain(sync: { syncOnce: () => Promise<{ kind: string; caughtUp?: boolean }> }) {
  for (let i = 0; i < 1_000; i++) {
    const r = await sync.syncOnce();
    if (r.kind === "idle" || r.kind === "stale" || (r.kind === "delivered" && r.caughtUp)) return r;
  }
  throw new Error("sync never caught up");
}

before(async () => {
  anvil = await startAnvil();
  token = await deployTestToken({ rpcUrl: anvil.rpcUrl, deployerKey: anvilKeys[0] as Hex, holders: [holder.address] });
  deployBlock = (await publicClient().getBlockNumber()) + 1n; // after the genesis mint
});
after(async () => {
  await anvil.stop();
  rmSync(dir, { recursive: true, force: true });
});

test("logs are delivered in order, after confirmations, in bounded ranges, exactly once across a restart", async () => {
  const file = path.join(dir, "once.sqlite");
  const start = amount;
  for (let i = 0; i < 5; i++) await transfer();
  let store = openStore({ file });
  let handler = seenHandler(store);
  const order: bigint[] = [];
  const options = {
    client: publicClient(),
    stream: "token",
    contracts: [token],
    fromBlock: deployBlock,
    abis: [maiTokenAbi],
  };
  let sync = createChainSync({
    ...options,
    store,
    confirmations: 2,
    maxRange: 2,
    handler: {
      ...handler,
      onLogs: (logs, range) => {
        assert.ok(range.toBlock - range.fromBlock < 2n, "range bounded by maxRange");
        for (const l of logs) order.push((l.args as { value: bigint }).value);
        handler.onLogs?.(logs, range);
      },
    },
  });
  await drain(sync);
  // Two newest transfers lack 2 confirmations.
  assert.deepEqual(order, [start + 1n, start + 2n, start + 3n]);
  assert.deepEqual(seen(store), order);
  const head = await publicClient().getBlockNumber();
  assert.equal(sync.status().cursor?.blockNumber, head - 2n);
  store.close();

  // Restart: a new process-equivalent resumes from the stored cursor, no log twice (PK would throw).
  for (let i = 0; i < 3; i++) await transfer();
  await testClient().mine({ blocks: 2 });
  store = openStore({ file });
  handler = seenHandler(store);
  sync = createChainSync({ ...options, store, confirmations: 2, maxRange: 2, handler });
  await drain(sync);
  assert.deepEqual(
    seen(store),
    Array.from({ length: 8 }, (_, i) => start + 1n + BigInt(i)),
  );
  store.close();
});

test("a handler that throws rolls its range back; the range is delivered again", async () => {
  const store = openStore({ file: path.join(dir, "throw.sqlite") });
  const handler = seenHandler(store);
  let fail = true;
  const sync = createChainSync({
    store,
    client: publicClient(),
    stream: "token",
    contracts: [token],
    fromBlock: deployBlock,
    confirmations: 0,
    abis: [maiTokenAbi],
    handler: {
      onLogs: (logs, range) => {
        handler.onLogs?.(logs, range); // writes rows, then fails: they must vanish
        if (fail) throw new Error("handler bug");
      },
    },
  });
  await assert.rejects(sync.syncOnce(), /handler bug/);
  assert.equal(store.sync.getCursor("token"), undefined);
  assert.equal(seen(store).length, 0);
  fail = false;
  await drain(sync);
  assert.equal(seen(store).length, Number(amount));
  store.close();
});

test("a reorg deeper than the confirmations rewinds to the fork point, reports removed logs and re-delivers", async () => {
  const store = openStore({ file: path.join(dir, "reorg.sqlite") });
  const handler = seenHandler(store);
  const sync = createChainSync({
    store,
    client: publicClient(),
    stream: "token",
    contracts: [token],
    fromBlock: deployBlock,
    confirmations: 1,
    abis: [maiTokenAbi],
    handler,
  });
  const a = await transfer();
  const b = await transfer();
  const c = await transfer();
  await testClient().mine({ blocks: 1 });
  await drain(sync);
  assert.ok(seen(store).includes(c));
  const forkBlock = (await publicClient().getBlockNumber()) - 4n; // the block before `a`

  // Replace the last 4 blocks (a, b, c, empty) with 4 new ones; the new branch re-mines one transfer.
  amount++;
  const again = amount;
  const data = encodeFunctionData({
    abi: maiTokenAbi,
    functionName: "transfer",
    args: ["0x000000000000000000000000000000000000bEEF", again],
  });
  await publicClient().request({
    method: "anvil_reorg" as never,
    params: [4, [[{ from: holder.address, to: token, data }, 1]]] as never,
  });
  const result = await sync.syncOnce();
  assert.equal(result.kind, "reorg");
  assert.ok(
    result.kind === "reorg" && result.forkPoint <= forkBlock,
    JSON.stringify(result, (_k, v) => String(v)),
  );
  assert.deepEqual(handler.removed, [a, b, c]);
  await testClient().mine({ blocks: 1 });
  await drain(sync);
  const now = seen(store);
  assert.ok(!now.includes(a) && !now.includes(b) && !now.includes(c), "removed logs are gone");
  assert.ok(now.includes(again), "the new branch's log is delivered");
  assert.equal(sync.status().reorgs, 1);
  store.close();
});

test("the loop survives an RPC outage and catches up after restore; a stale head pauses it", async () => {
  const proxy = await createTcpProxy({ targetPort: anvil.port });
  const store = openStore({ file: path.join(dir, "outage.sqlite") });
  const handler = seenHandler(store);
  const sync = createChainSync({
    store,
    client: publicClient(proxy.url),
    stream: "token",
    contracts: [token],
    fromBlock: deployBlock,
    confirmations: 0,
    pollIntervalMs: 50,
    retryBaseDelayMs: 50,
    retryMaxDelayMs: 200,
    maxHeadAgeSeconds: 3,
    abis: [maiTokenAbi],
    handler,
  });
  const until = async (check: () => boolean, what: string) => {
    for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
    assert.ok(check(), what);
  };
  try {
    sync.start();
    await until(() => sync.status().state === "idle", "caught up");
    proxy.cut();
    const during = await transfer();
    await until(() => sync.status().consecutiveFailures >= 2, "failures counted while cut");
    assert.equal(sync.status().state, "retrying");
    assert.ok(!seen(store).includes(during));
    proxy.restore();
    await testClient().mine({ blocks: 1 }); // a fresh head, so a slow machine does not look like a stale chain
    await until(() => seen(store).includes(during), "log sent during the outage delivered after restore");
    assert.equal(sync.status().consecutiveFailures, 0);
    // No new block for longer than maxHeadAgeSeconds: paused, and says so.
    await until(() => sync.status().state === "stale", "stale head reported");
    const late = await transfer();
    await until(() => seen(store).includes(late), "resumes once a fresh block arrives");
  } finally {
    await sync.stop();
    await proxy.close();
    store.close();
  }
  assert.equal(sync.status().state, "stopped");
});

test("an RPC that refuses large log ranges makes the sync halve its range and still deliver everything", async () => {
  const store = openStore({ file: path.join(dir, "ranges.sqlite") });
  const handler = seenHandler(store);
  const asked: bigint[] = [];
  const sync = createChainSync({
    store,
    client: publicClient(),
    stream: "token",
    contracts: [token],
    fromBlock: deployBlock,
    confirmations: 0,
    maxRange: 64,
    abis: [maiTokenAbi],
    handler,
    faults: {
      beforeGetLogs: (from, to) => {
        asked.push(to - from + 1n);
        if (to - from + 1n > 4n) throw new Error("query exceeds max block range 4");
      },
    },
  });
  let failures = 0;
  for (let i = 0; i < 200; i++) {
    try {
      const r = await sync.syncOnce();
      if (r.kind === "idle" || (r.kind === "delivered" && r.caughtUp)) break;
    } catch {
      failures++;
    }
  }
  assert.ok(failures >= 1 && failures <= 5, `halved a few times (${failures})`);
  assert.ok(asked.some((n) => n <= 4n));
  const head = await publicClient().getBlockNumber();
  assert.equal(store.sync.getCursor("token")?.blockNumber, head);
  const logs = await publicClient().getLogs({ address: token, fromBlock: deployBlock, toBlock: head });
  assert.equal(seen(store).length, logs.length);
  store.close();
});
