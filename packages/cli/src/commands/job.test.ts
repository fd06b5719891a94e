import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { findRepoRoot, jobMarketAbi, startAnvil } from "@maitoken/protocol";
import { createPublicClient, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";

const root = findRepoRoot();
const bin = path.join(root, "packages/cli/bin/mai.mjs");
// anvil's public development keys
const DEPLOYER = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const REQUESTER = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
const requester = privateKeyToAccount(REQUESTER).address;

type Run = { code: number | null; stdout: string; stderr: string };
function mai(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

let anvil: Awaited<ReturnType<typeof startAnvil>>;
const deployments = mkdtempSync(path.join(tmpdir(), "mai-cli-"));
before(async () => {
  anvil = await startAnvil();
});
after(async () => {
  await anvil?.stop();
});

test("every command answers --help with exit 0", async () => {
  for (const args of [["--help"], ["job", "submit", "--help"]]) {
    const r = await mai(args);
    assert.equal(r.code, 0, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stdout, /Usage: mai/);
  }
});

test("deploy, estimate and submit through the CLI; errors exit 1 with a clear message and write nothing", async () => {
  const chain = ["--rpc", anvil.rpcUrl, "--deployment", deployments];
  const deployed = await mai(
    ["deploy", "--rpc", anvil.rpcUrl, "--out", deployments, "--preset", "devnet", "--genesis", `${requester}=1000`],
    {
      MAI_DEPLOYER_KEY: DEPLOYER,
    },
  );
  assert.equal(deployed.code, 0, deployed.stderr);
  assert.match(deployed.stdout, /jobMarket\s+0x[0-9a-fA-F]{40}/);

  const estimate = await mai(["job", "estimate", "examples/mnist-mlp-train-small.json", "--json", ...chain]);
  assert.equal(estimate.code, 0, estimate.stderr);
  const e = JSON.parse(estimate.stdout.trim().split("\n").at(-1) as string);
  assert.equal(e.kind, "train");
  assert.equal(BigInt(e.total), BigInt(e.priceEscrow) + BigInt(e.auditReserve) + BigInt(e.bond));

  const badSpec = path.join(deployments, "bad.json");
  writeFileSync(badSpec, JSON.stringify({ version: 1, engine: "mai-engine/1", kind: "train" }));
  const market = JSON.parse((await import("node:fs")).readFileSync(path.join(deployments, "31337.json"), "utf8"))
    .contracts.jobMarket;
  const client = createPublicClient({ transport: http(anvil.rpcUrl) });
  const footprint = async () => ({
    nonce: await client.getTransactionCount({ address: requester }),
    jobs: await client.readContract({
      address: market,
      abi: jobMarketAbi,
      functionName: "nextJobId",
    }),
  });
  const before = await footprint();
  const bad = await mai(["job", "submit", badSpec, ...chain], {
    MAI_KEY: REQUESTER,
  });
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /job spec is invalid/);
  assert.match(bad.stderr, /seed/);
  const noKey = await mai(["job", "submit", "examples/mnist-mlp-train-small.json", ...chain], { MAI_KEY: "" });
  assert.equal(noKey.code, 1);
  assert.match(noKey.stderr, /set MAI_KEY/);
  const under = await mai(["job", "submit", "examples/mnist-mlp-train-small.json", "--price-per-cu", "1", ...chain], {
    MAI_KEY: REQUESTER,
  });
  assert.equal(under.code, 1);
  assert.match(under.stderr, /under the protocol floor/);
  const down = await mai(["job", "status", "1", "--rpc", "http://127.0.0.1:9", "--deployment", deployments]);
  assert.equal(down.code, 1);
  assert.match(down.stderr, /Cannot reach the RPC/);
  assert.deepEqual(await footprint(), before);

  const submitted = await mai(["job", "submit", "examples/mnist-mlp-train-small.json", "--json", ...chain], {
    MAI_KEY: REQUESTER,
  });
  assert.equal(submitted.code, 0, submitted.stderr);
  assert.equal(JSON.parse(submitted.stdout.trim()).jobId, "1");
  const status = await mai(["job", "status", "1", ...chain]);
  assert.equal(status.code, 0, status.stderr);
  assert.match(status.stdout, /job 1: 1 units, 1 batches \(Open 1\)/);
});

test("stake, register and rewards through the CLI (owner and hot key from env)", async () => {
  const chain = ["--rpc", anvil.rpcUrl, "--deployment", deployments];
  // anvil's public development key #3 as the node's hot key; the requester of the test above is its owner
  const nodeKey = "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6";
  const node = privateKeyToAccount(nodeKey).address;
  const tooMuch = await mai(["stake", "5000", "--node", node, ...chain], { MAI_OWNER_KEY: REQUESTER });
  assert.equal(tooMuch.code, 1);
  assert.match(tooMuch.stderr, /less than the 5000/);
  const staked = await mai(["stake", "100", "--node", node, ...chain], { MAI_OWNER_KEY: REQUESTER });
  assert.equal(staked.code, 0, staked.stderr);
  const registered = await mai(
    ["register", "--owner", requester, "--endpoint", "http://127.0.0.1:7070", "--capacity", "5", ...chain],
    { MAI_NODE_KEY: nodeKey },
  );
  assert.equal(registered.code, 0, registered.stderr);
  const again = await mai(["register", "--owner", requester, "--endpoint", "http://127.0.0.1:7070", ...chain], {
    MAI_NODE_KEY: nodeKey,
  });
  assert.equal(again.code, 1);
  assert.match(again.stderr, /AlreadyRegistered/);
  const rewards = await mai(["rewards", "--node", node, "--json", ...chain], { MAI_OWNER_KEY: REQUESTER });
  assert.equal(rewards.code, 0, rewards.stderr);
  const r = JSON.parse(rewards.stdout.trim());
  assert.equal(r.node, node);
  assert.equal(r.pending, "0");
});
