import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { migrations } from "./migrations.js";
import { openStore } from "./openStore.js";

const dir = mkdtempSync(path.join(tmpdir(), "mai-store-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const here = path.dirname(fileURLToPath(import.meta.url));

test("openStore migrates a new file to the latest schema in WAL mode with synchronous FULL", () => {
  const store = openStore({ file: path.join(dir, "a", "node.sqlite") });
  try {
    assert.equal(store.schemaVersion, migrations.length);
    assert.equal(store.db.pragma("journal_mode", { simple: true }), "wal");
    assert.equal(store.db.pragma("synchronous", { simple: true }), 2); // FULL
  } finally {
    store.close();
  }
  const again = openStore({ file: path.join(dir, "a", "node.sqlite") });
  assert.equal(again.schemaVersion, migrations.length);
  again.close();
});

test("openStore refuses a database from a newer node", () => {
  const file = path.join(dir, "newer.sqlite");
  const store = openStore({ file });
  store.db.pragma(`user_version = ${migrations.length + 1}`);
  store.close();
  assert.throws(() => openStore({ file }), /newer than this node knows/);
});

test("intents: insert once, update, list open ones by nonce, max live nonce", () => {
  const store = openStore({ file: path.join(dir, "intents.sqlite") });
  const account = "0x00000000000000000000000000000000000000aa";
  const base = {
    account,
    chainId: 31337,
    request: "{}",
    rawTx: "0x01",
    txHash: "0x02",
    txHashes: ["0x02"],
    sentBlock: undefined,
    minedBlock: undefined,
    error: undefined,
  } as const;
  store.transaction(() => {
    store.intents.insert({ ...base, id: "b", status: "pending", nonce: 1 });
    store.intents.insert({ ...base, id: "a", status: "sent", nonce: 0 });
    store.intents.insert({ ...base, id: "c", status: "failed", nonce: 2 });
  });
  assert.throws(() => store.intents.insert({ ...base, id: "a", status: "pending", nonce: 5 }), /UNIQUE/);
  assert.deepEqual(
    store.intents.listOpen(account, 31337).map((i) => i.id),
    ["a", "b"],
  );
  assert.equal(store.intents.maxNonce(account, 31337), 1);
  store.intents.update("b", {
    status: "mined",
    minedBlock: 7n,
    txHashes: ["0x02", "0x03"],
  });
  const b = store.intents.get("b");
  assert.equal(b?.status, "mined");
  assert.equal(b?.minedBlock, 7n);
  assert.deepEqual(b?.txHashes, ["0x02", "0x03"]);
  assert.equal(store.intents.get("zzz"), undefined);
  store.close();
});

test("work rows round-trip uint256 job ids and list by phase", () => {
  const store = openStore({ file: path.join(dir, "work.sqlite") });
  const job = 2n ** 255n + 3n;
  store.work.put({
    job,
    batch: 4,
    attempt: 0,
    role: "miner",
    phase: "computed",
    salt: "0xab",
    resultRoot: "0xcd",
    resultBlob: "ff",
  });
  store.work.put({
    job: 1n,
    batch: 0,
    attempt: 1,
    role: "auditor",
    phase: "committed",
    salt: undefined,
    resultRoot: undefined,
    resultBlob: undefined,
  });
  const w = store.work.get({ job, batch: 4, attempt: 0, role: "miner" });
  assert.equal(w?.job, job);
  assert.equal(w?.salt, "0xab");
  assert.deepEqual(
    store.work.listByPhase("miner", ["computed", "committed"]).map((x) => x.batch),
    [4],
  );
  store.work.put({
    job,
    batch: 4,
    attempt: 0,
    role: "miner",
    phase: "committed",
    salt: "0xab",
    resultRoot: "0xcd",
    resultBlob: "ff",
  });
  assert.equal(store.work.get({ job, batch: 4, attempt: 0, role: "miner" })?.phase, "committed");
  store.work.delete({ job, batch: 4, attempt: 0, role: "miner" });
  assert.equal(store.work.get({ job, batch: 4, attempt: 0, role: "miner" }), undefined);
  store.close();
});

test("a transaction that throws leaves nothing behind", () => {
  const store = openStore({ file: path.join(dir, "rollback.sqlite") });
  assert.throws(() =>
    store.transaction(() => {
      store.kv.set("x", 1);
      throw new Error("boom");
    }),
  );
  assert.equal(store.kv.get("x"), undefined);
  store.close();
});

test("a process killed inside a transaction leaves no partial write; a committed one survives", () => {
  const file = path.join(dir, "kill.sqlite");
  const script = `
    import { openStore } from ${JSON.stringify(path.join(here, "openStore.ts"))};
    const store = openStore({ file: ${JSON.stringify(file)} });
    store.transaction(() => store.kv.set("committed", { n: 1n }));
    store.transaction(() => {
      store.kv.set("half", 1);
      store.sync.setCursor("s", { blockNumber: 9n, blockHash: "0x09" });
      process.kill(process.pid, "SIGKILL");
    });
  `;
  const child = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    encoding: "utf8",
  });
  assert.equal(child.signal, "SIGKILL", child.stderr);
  const store = openStore({ file });
  assert.deepEqual(store.kv.get("committed"), { n: "1" });
  assert.equal(store.kv.get("half"), undefined);
  assert.equal(store.sync.getCursor("s"), undefined);
  store.close();
});
