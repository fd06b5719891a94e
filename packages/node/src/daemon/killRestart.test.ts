import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { after, before, test } from "node:test";
import { findRepoRoot, jobMarketAbi } from "@maitoken/protocol";
import Database from "better-sqlite3";
import type { Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { anvilKeys } from "../testing/anvilKeys.js";
import { startTestNetwork, waitFor } from "../testing/startTestNetwork.js";
import { batchRef } from "./batchRef.js";
import { BatchState } from "./BatchState.js";
import { testDataSpec } from "../testing/testDataSpec.js";

const dataSpec = testDataSpec({ seed: 5, start: 200, end: 240 });

let net: Awaited<ReturnType<typeof startTestNetwork>>;
const children: ChildProcess[] = [];
before(async () => {
  // Leases of a minute, not the devnet's 10 s: a stalled, killed or reorged node must not lose its
  // lease while it recovers (these tests are about recovering, not about expiry).
  net = await startTestNetwork({ overrides: { minLeaseDuration: 60n } });
});
after(async () => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  await net?.stop();
});

/** `mai node start` as a child process; resolves with its URL once it prints `ready <url>`. */
function startChild(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const root = findRepoRoot();
  const child = spawn(
    process.execPath,
    [
      path.join(root, "packages/cli/bin/mai.mjs"),
      "node",
      "start",
      "--rpc",
      net.anvil.rpcUrl,
      "--deployments",
      path.join(net.dir, "deployments"),
      "--data-dir",
      dataDir,
      "--roles",
      "miner",
      "--log-level",
      "warn",
    ],
    {
      env: { ...process.env, MAI_NODE_KEY: anvilKeys[2], MAI_OWNER_KEY: anvilKeys[1] },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const m = /^ready (\S+)$/m.exec(out);
      if (m) resolve({ child, url: m[1] as string });
    });
    child.once("exit", (code) => reject(new Error(`node exited with ${code} before ready`)));
  });
}

test("a miner killed with SIGKILL while its commit is in flight resumes: no second submission, no lost result", {
  timeout: 150_000,
}, async () => {
  const dataDir = path.join(net.dir, "child-node");
  const auditor = await net.startNode(1, { roles: ["auditor", "keeper"] });
  const first = await startChild(dataDir);
  const jobId = await net.postJob(auditor, dataSpec, { batchSize: 2 });

  // Kill the moment the commit is journaled (signed, maybe broadcast, maybe not yet mined).
  const db = path.join(dataDir, "node.sqlite");
  const atKill = await waitFor(
    "commit journaled",
    async () => {
      try {
        const handle = new Database(db, { readonly: true, fileMustExist: true });
        try {
          const intent = handle.prepare("SELECT id, status FROM intents WHERE id LIKE 'commit:%'").get() as
            | { id: string; status: string }
            | undefined;
          if (!intent) return undefined;
          first.child.kill("SIGKILL");
          const rows = handle
            .prepare("SELECT batch, result_root AS root FROM work WHERE role = 'miner' AND job = ?")
            .all(jobId.toString()) as { batch: number; root: Hex }[];
          return { intent, rows };
        } finally {
          handle.close();
        }
      } catch {
        return undefined;
      }
    },
    60_000,
    25,
  );
  await new Promise((r) => first.child.once("exit", r));
  const stored = atKill.rows.filter((r) => r.root);
  assert.ok(stored.length > 0, "results were stored before the commit");

  const second = await startChild(dataDir);
  const market = net.deployment.contracts.jobMarket;
  const batches = Number(
    (
      (await net.client.readContract({
        address: market,
        abi: jobMarketAbi,
        functionName: "getJob",
        args: [jobId],
      })) as {
        batches: bigint;
      }
    ).batches,
  );
  for (let i = 0; i < batches; i++) {
    await waitFor(
      `batch ${i} accepted`,
      async () => {
        const b = (await net.client.readContract({
          address: market,
          abi: jobMarketAbi,
          functionName: "getBatch",
          args: [batchRef(jobId, i)],
        })) as { state: number };
        return b.state === BatchState.Accepted ? true : undefined;
      },
      90_000,
    );
  }
  // Every batch committed exactly once, with the root stored before the kill.
  const commits = await net.client.getContractEvents({
    address: market,
    abi: jobMarketAbi,
    eventName: "BatchCommitted",
    fromBlock: 0n,
  });
  const node = privateKeyToAccount(anvilKeys[2] as Hex).address;
  for (let i = 0; i < batches; i++) {
    const mine = commits.filter((l) => (l.args as { ref: bigint }).ref === batchRef(jobId, i));
    assert.equal(mine.length, 1, `batch ${i} committed once`);
  }
  const reveals = await net.client.getContractEvents({
    address: market,
    abi: jobMarketAbi,
    eventName: "BatchRevealed",
    fromBlock: 0n,
  });
  for (const row of stored) {
    const revealed = reveals.find((l) => (l.args as { ref: bigint }).ref === batchRef(jobId, row.batch));
    assert.ok(revealed, `batch ${row.batch} revealed`);
    assert.equal((revealed.args as { resultRoot: Hex }).resultRoot, row.root, `batch ${row.batch}: the stored result`);
  }
  // Graceful stop (SIGTERM), then: every transaction the node key ever sent is one journaled intent.
  second.child.kill("SIGTERM");
  const code = await new Promise((r) => second.child.once("exit", r));
  assert.equal(code, 0, "SIGTERM stops the node cleanly");
  await new Promise((r) => setTimeout(r, 2_000));
  const handle = new Database(db, { readonly: true });
  const intents = handle
    .prepare("SELECT id, status, tx_hashes AS hashes FROM intents WHERE lower(account) = lower(?)")
    .all(node) as { id: string; status: string; hashes: string }[];
  handle.close();
  const sent = await net.client.getTransactionCount({ address: node });
  assert.equal(sent, intents.filter((i) => i.status !== "pending").length);
  assert.ok(
    intents.some((i) => i.id === atKill.intent.id && i.status === "mined"),
    "the in-flight commit was resumed",
  );
});
