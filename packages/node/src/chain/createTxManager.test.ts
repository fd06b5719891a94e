import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
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
import { BaseError } from "../errors.js";
import { openStore } from "../store/openStore.js";
import { anvilKeys } from "../testing/anvilKeys.js";
import { createTcpProxy } from "../testing/createTcpProxy.js";
import { deployTestToken } from "../testing/deployTestToken.js";
import { createTxManager } from "./createTxManager.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), "mai-tx-"));
const sink: Address = "0x000000000000000000000000000000000000dEaD";
let anvil: StartAnvilReturnType;
let token: Address;

const rpc = (url: string) => http(url, { retryCount: 0, timeout: 3_000 });
const publicClient = (url = anvil.rpcUrl) => createPublicClient({ chain: foundry, transport: rpc(url), cacheTime: 0 });
const nonceOf = (key: Hex) =>
  publicClient().getTransactionCount({ address: privateKeyToAccount(key).address, blockTag: "latest" });

before(async () => {
  anvil = await startAnvil();
  token = await deployTestToken({
    rpcUrl: anvil.rpcUrl,
    deployerKey: anvilKeys[0] as Hex,
    holders: [privateKeyToAccount(anvilKeys[0] as Hex).address],
  });
});
after(async () => {
  await anvil.stop();
  rmSync(dir, { recursive: true, force: true });
});

test("submit sends once; the same intent id, even after a restart, returns the same tx and sends nothing", async () => {
  const key = anvilKeys[1] as Hex;
  const file = path.join(dir, "once.sqlite");
  const before = await nonceOf(key);
  let store = openStore({ file });
  const crashed = createTxManager({
    store,
    client: publicClient(),
    account: privateKeyToAccount(key),
    pollIntervalMs: 50,
  });
  const first = await crashed.submit("pay:1", { to: sink, value: 1n });
  assert.equal(first.receipt.status, "success");
  assert.equal(store.intents.get("pay:1")?.status, "mined");
  await crashed.close();
  store.close();

  store = openStore({ file });
  const tx = createTxManager({ store, client: publicClient(), account: privateKeyToAccount(key), pollIntervalMs: 50 });
  const again = await tx.submit("pay:1", { to: sink, value: 1n });
  assert.equal(again.txHash, first.txHash);
  assert.equal(await nonceOf(key), before + 1);
  const second = await tx.submit("pay:2", { to: sink, value: 2n });
  assert.equal(second.nonce, first.nonce + 1);
  assert.equal(await nonceOf(key), before + 2);
  await tx.close();
  store.close();
});

test("a reverted tx fails with the custom error name, for good; a revert at estimation sends nothing", async () => {
  const key = anvilKeys[2] as Hex; // holds no MAI
  const store = openStore({ file: path.join(dir, "revert.sqlite") });
  const tx = createTxManager({
    store,
    client: publicClient(),
    account: privateKeyToAccount(key),
    abis: [maiTokenAbi],
    pollIntervalMs: 50,
  });
  const data = encodeFunctionData({ abi: maiTokenAbi, functionName: "transfer", args: [sink, 5n] });
  const before = await nonceOf(key);
  const isInsufficient = (e: unknown) =>
    e instanceof BaseError && e.code === "TX_REVERTED" && e.details.errorName === "ERC20InsufficientBalance";
  await assert.rejects(tx.submit("estimate", { to: token, data }), (e: unknown) => {
    assert.ok(isInsufficient(e), String(e));
    assert.match((e as Error).message, /nothing was sent/);
    return true;
  });
  assert.equal(store.intents.get("estimate"), undefined);
  assert.equal(await nonceOf(key), before);

  // With a fixed gas limit there is no estimate: the tx is mined and reverts.
  await assert.rejects(tx.submit("mined-revert", { to: token, data, gas: 100_000n }), isInsufficient);
  assert.equal(store.intents.get("mined-revert")?.status, "failed");
  await assert.rejects(tx.submit("mined-revert", { to: token, data, gas: 100_000n }), isInsufficient);
  assert.equal(await nonceOf(key), before + 1);
  await tx.close();
  store.close();
});

function runChild(file: string, key: Hex, intentId: string, fault: "afterJournal" | "afterBroadcast") {
  const script = `
    import { createPublicClient, http } from "viem";
    import { privateKeyToAccount } from "viem/accounts";
    import { foundry } from "viem/chains";
    import { openStore } from ${JSON.stringify(path.join(here, "../store/openStore.ts"))};
    import { createTxManager } from ${JSON.stringify(path.join(here, "createTxManager.ts"))};
    const store = openStore({ file: ${JSON.stringify(file)} });
    const client = createPublicClient({ chain: foundry, transport: http(${JSON.stringify(anvil.rpcUrl)}) });
    const tx = createTxManager({ store, client, account: privateKeyToAccount(${JSON.stringify(key)}),
      faults: { ${fault}: () => process.kill(process.pid, "SIGKILL") } });
    await tx.submit(${JSON.stringify(intentId)}, { to: ${JSON.stringify(sink)}, value: 7n });
    console.log("not killed");
  `;
  return spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    encoding: "utf8",
    timeout: 25_000,
  });
}

for (const fault of ["afterJournal", "afterBroadcast"] as const) {
  test(`a node SIGKILLed ${fault === "afterJournal" ? "between journaling and broadcast" : "right after broadcast"} resumes to exactly one mined tx`, async () => {
    const key = anvilKeys[fault === "afterJournal" ? 3 : 4] as Hex;
    const file = path.join(dir, `${fault}.sqlite`);
    const before = await nonceOf(key);
    const child = runChild(file, key, "claim:9", fault);
    assert.equal(child.signal, "SIGKILL", child.stdout + child.stderr);
    const store = openStore({ file });
    const journaled = store.intents.get("claim:9");
    assert.ok(journaled, "the intent was journaled before the kill");
    assert.equal(journaled.status, fault === "afterJournal" ? "pending" : "sent");
    assert.equal(await nonceOf(key), fault === "afterJournal" ? before : before + 1);

    const tx = createTxManager({
      store,
      client: publicClient(),
      account: privateKeyToAccount(key),
      pollIntervalMs: 50,
    });
    const [resumed] = await tx.resumeAll();
    assert.equal(resumed?.status, "fulfilled");
    const result = await tx.submit("claim:9", { to: sink, value: 7n });
    assert.equal(result.txHash, journaled.txHash);
    assert.equal(await nonceOf(key), before + 1, "exactly one transaction from the account");
    assert.equal(store.intents.get("claim:9")?.status, "mined");
    await tx.close();
    store.close();
  });
}

test("a tx not mined after N blocks is replaced with the same nonce and fees bumped >= 10%", async () => {
  const key = anvilKeys[5] as Hex;
  const store = openStore({ file: path.join(dir, "replace.sqlite") });
  const testClient = createTestClient({ chain: foundry, mode: "anvil", transport: rpc(anvil.rpcUrl) });
  const before = await nonceOf(key);
  const tx = createTxManager({
    store,
    client: publicClient(),
    account: privateKeyToAccount(key),
    replaceAfterBlocks: 2,
    feeBumpPercent: 12,
    pollIntervalMs: 50,
  });
  await testClient.setAutomine(false);
  try {
    const pending = tx.submit("stuck", { to: sink, value: 3n });
    while (store.intents.get("stuck")?.status !== "sent") await new Promise((r) => setTimeout(r, 20));
    const first = store.intents.get("stuck");
    assert.ok(first);
    // The mempool loses it (as an underpriced tx would sit forever); blocks go by without it.
    await testClient.dropTransaction({ hash: first.txHash });
    await testClient.mine({ blocks: 2 });
    while ((store.intents.get("stuck")?.txHashes.length ?? 0) < 2) {
      await new Promise((r) => setTimeout(r, 20));
    }
    await testClient.mine({ blocks: 1 });
    const result = await pending;
    const replaced = store.intents.get("stuck");
    assert.ok(replaced);
    assert.notEqual(result.txHash, first.txHash);
    assert.equal(result.txHash, replaced.txHash);
    assert.equal(result.nonce, first.nonce);
    const oldFee = BigInt(JSON.parse(first.request).maxFeePerGas);
    const newFee = BigInt(JSON.parse(replaced.request).maxFeePerGas);
    assert.ok(newFee * 100n >= oldFee * 110n, `fee ${oldFee} -> ${newFee}`);
    const mined = await publicClient().getTransaction({ hash: result.txHash });
    assert.equal(mined.nonce, first.nonce);
    assert.equal(await nonceOf(key), before + 1);
  } finally {
    await tx.close();
    await testClient.setAutomine(true);
    store.close();
  }
});

test("an RPC outage during submit is retried; the tx goes through once after restore", async () => {
  const key = anvilKeys[6] as Hex;
  const proxy = await createTcpProxy({ targetPort: anvil.port });
  const store = openStore({ file: path.join(dir, "outage.sqlite") });
  const tx = createTxManager({
    store,
    client: publicClient(proxy.url),
    account: privateKeyToAccount(key),
    pollIntervalMs: 50,
    retry: { baseDelayMs: 50, maxDelayMs: 200 },
  });
  try {
    const before = await nonceOf(key);
    proxy.cut();
    const pending = tx.submit("through-outage", { to: sink, value: 4n });
    await new Promise((r) => setTimeout(r, 800));
    assert.equal(await nonceOf(key), before, "nothing can be sent while the RPC is cut");
    proxy.restore();
    const result = await pending;
    assert.equal(result.receipt.status, "success");
    assert.equal(await nonceOf(key), before + 1);
  } finally {
    await tx.close();
    store.close();
    await proxy.close();
  }
});

test("concurrent submits get consecutive nonces; a nonce taken by another wallet while down is re-signed", async () => {
  const key = anvilKeys[7] as Hex;
  const file = path.join(dir, "nonces.sqlite");
  const start = await nonceOf(key);
  // Crash with intent "late" journaled at nonce `start` but never broadcast...
  const child = runChild(file, key, "late", "afterJournal");
  assert.equal(child.signal, "SIGKILL", child.stdout + child.stderr);
  // ...meanwhile the same key, used elsewhere, spends that nonce.
  const wallet = createWalletClient({
    account: privateKeyToAccount(key),
    chain: foundry,
    transport: rpc(anvil.rpcUrl),
  });
  const other = await wallet.sendTransaction({ to: sink, value: 11n, nonce: start });
  await publicClient().waitForTransactionReceipt({ hash: other, pollingInterval: 20 });

  const store = openStore({ file });
  const tx = createTxManager({ store, client: publicClient(), account: privateKeyToAccount(key), pollIntervalMs: 50 });
  const results = await Promise.all([
    tx.submit("late", { to: sink, value: 7n }),
    tx.submit("n1", { to: sink, value: 1n }),
    tx.submit("n2", { to: sink, value: 2n }),
  ]);
  const nonces = results.map((r) => r.nonce).sort();
  assert.equal(new Set(nonces).size, 3, `distinct nonces ${nonces}`);
  for (const n of nonces) assert.ok(n > start && n <= start + 3, `nonce ${n} after the taken one`);
  assert.equal(store.intents.get("late")?.txHashes.length, 2, "re-signed once");
  assert.equal(await nonceOf(key), start + 4, "the other wallet's tx plus exactly three of ours");
  await tx.close();
  store.close();
});

test("a mined tx whose block is reorged away is re-sent by the same intent, still once", async () => {
  const key = anvilKeys[1] as Hex;
  const store = openStore({ file: path.join(dir, "reorged.sqlite") });
  const tx = createTxManager({ store, client: publicClient(), account: privateKeyToAccount(key), pollIntervalMs: 50 });
  const before = await nonceOf(key);
  const first = await tx.submit("reorged", { to: sink, value: 5n });
  await publicClient().request({ method: "anvil_reorg" as never, params: [1, []] as never });
  assert.equal(await nonceOf(key), before, "the reorg undid the tx");
  const again = await tx.submit("reorged", { to: sink, value: 5n });
  assert.equal(again.txHash, first.txHash, "the same signed tx, not a new one");
  assert.equal(await nonceOf(key), before + 1);
  assert.equal(store.intents.get("reorged")?.status, "mined");
  await tx.close();
  store.close();
});

test("a reorg that drops two of our txs: following only the later one re-sends the earlier one first", async () => {
  const key = anvilKeys[3] as Hex;
  const store = openStore({ file: path.join(dir, "gap.sqlite") });
  const tx = createTxManager({
    store,
    client: publicClient(),
    account: privateKeyToAccount(key),
    pollIntervalMs: 50,
    replaceAfterBlocks: 2,
  });
  const before = await nonceOf(key);
  const a = await tx.submit("gap-a", { to: sink, value: 1n });
  const b = await tx.submit("gap-b", { to: sink, value: 2n });
  assert.equal(b.receipt.blockNumber, a.receipt.blockNumber + 1n, "automine: one block each");
  await publicClient().request({ method: "anvil_reorg" as never, params: [2, []] as never });
  assert.equal(await nonceOf(key), before, "both txs are gone");
  // Only b is followed again (a's caller has moved on). b alone cannot be mined (nonce gap), so the
  // manager must notice the gap and send a again; blocks keep coming as on a live chain.
  const miner = setInterval(() => {
    publicClient()
      .request({ method: "anvil_mine" as never, params: ["0x1"] as never })
      .catch(() => {});
  }, 100);
  try {
    const again = await tx.submit("gap-b", { to: sink, value: 2n });
    assert.equal(again.txHash, b.txHash, "b is the same signed tx");
    assert.equal(await nonceOf(key), before + 2);
    const aNow = await publicClient().getTransactionReceipt({ hash: a.txHash });
    assert.equal(aNow.status, "success", "a was re-sent as the same signed tx");
    assert.equal(store.intents.get("gap-a")?.txHashes.length, 1, "a was never re-signed");
  } finally {
    clearInterval(miner);
    // The manager re-follows a on its own and nobody awaits that; close() must stop it too, or it
    // would outlive this test and retry against a stopped anvil forever.
    await tx.close();
    store.close();
  }
});

test("close() stops a submit that is retrying through an outage: it rejects, nothing is sent later", async () => {
  const key = anvilKeys[2] as Hex; // sends nothing, so sharing a key with an earlier test is safe
  const proxy = await createTcpProxy({ targetPort: anvil.port });
  const store = openStore({ file: path.join(dir, "close.sqlite") });
  try {
    const before = await nonceOf(key);
    const tx = createTxManager({
      store,
      client: publicClient(proxy.url),
      account: privateKeyToAccount(key),
      pollIntervalMs: 50,
      retry: { baseDelayMs: 50, maxDelayMs: 200 },
    });
    proxy.cut();
    const pending = tx.submit("never", { to: sink, value: 9n });
    const isClosed = (e: unknown) => e instanceof BaseError && e.code === "TX_MANAGER_CLOSED";
    await new Promise((r) => setTimeout(r, 300));
    await tx.close();
    await assert.rejects(pending, isClosed);
    await assert.rejects(tx.submit("after-close", { to: sink, value: 1n }), isClosed);
    // Were any retry still running, it would go through now that the RPC is back.
    proxy.restore();
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(await nonceOf(key), before);
    assert.equal(store.intents.get("never"), undefined);
    assert.equal(store.intents.get("after-close"), undefined);
  } finally {
    store.close();
    await proxy.close();
  }
});

test("close() while a journaled tx cannot be broadcast leaves it open; a new manager sends it once", async () => {
  const key = anvilKeys[6] as Hex;
  const proxy = await createTcpProxy({ targetPort: anvil.port });
  const store = openStore({ file: path.join(dir, "close-journaled.sqlite") });
  try {
    const before = await nonceOf(key);
    const tx = createTxManager({
      store,
      client: publicClient(proxy.url),
      account: privateKeyToAccount(key),
      pollIntervalMs: 50,
      retry: { baseDelayMs: 50, maxDelayMs: 200 },
      // The RPC goes away between journaling and the broadcast.
      faults: { afterJournal: () => proxy.cut() },
    });
    const pending = tx.submit("journaled", { to: sink, value: 6n });
    while (store.intents.get("journaled") === undefined) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 300));
    await tx.close();
    await assert.rejects(pending, (e: unknown) => e instanceof BaseError && e.code === "TX_MANAGER_CLOSED");
    // Not "failed": a stopped broadcast is no refusal, and the node may even hold the tx already.
    assert.equal(store.intents.get("journaled")?.status, "pending");

    proxy.restore();
    const resumed = createTxManager({
      store,
      client: publicClient(),
      account: privateKeyToAccount(key),
      pollIntervalMs: 50,
    });
    const [result] = await resumed.resumeAll();
    assert.equal(result?.status, "fulfilled");
    assert.equal(store.intents.get("journaled")?.status, "mined");
    assert.equal(await nonceOf(key), before + 1);
    await resumed.close();
  } finally {
    store.close();
    await proxy.close();
  }
});
