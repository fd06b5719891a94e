import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import path from "node:path";
import { test } from "node:test";
import { findRepoRoot } from "@maitoken/protocol";

const root = findRepoRoot();

// One whole network, end to end: anvil, the protocol, two honest miners and one cheater as child
// processes, a training job and two inference jobs on its model (over successive slices of the test
// split), every batch audited.
test("mai devnet --headless runs three jobs to completion, slashes the cheater and mints rewards", {
  timeout: 420_000,
}, async () => {
  const args = [
    path.join(root, "packages/cli/bin/mai.mjs"),
    "devnet",
    "--headless",
    "--exit-after-jobs",
    "3",
    "--nodes",
    "2",
    "--cheaters",
    "1",
    "--chains",
    "3",
    "--units-per-chain",
    "1",
    "--steps",
    "20",
    "--hidden",
    "16",
    "--infer-items",
    "200",
    "--items-per-unit",
    "100",
    "--min-audit-bps",
    "10000",
  ];
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
    (resolve) => {
      const child = spawn(process.execPath, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      let err = "";
      child.stdout.on("data", (d) => (out += d));
      child.stderr.on("data", (d) => (err += d));
      child.on("close", (c) => resolve({ code: c, stdout: out, stderr: err }));
    },
  );
  assert.equal(code, 0, stderr.slice(-2000));
  const summary = JSON.parse(stdout.trim().split("\n").at(-1) as string);
  assert.equal(summary.jobs, 3);
  assert.equal(summary.unitsAccepted, 7, "3 training units + 2 inference units in each of 2 jobs");
  assert.ok(summary.audits >= 2, `audits ${summary.audits}`);
  assert.equal(summary.slashed.length, 1, `slashed ${JSON.stringify(summary.slashed)}`);
  assert.match(summary.slashed[0], /^0x[0-9a-fA-F]{40}$/);
  assert.ok(BigInt(summary.minted) > 0n, `minted ${summary.minted}`);
  assert.ok(summary.accuracy > 0.3 && summary.accuracy <= 1, `accuracy ${summary.accuracy}`);
  // Batches of one unit: a batch the cheater lost is served whole by its auditor.
  assert.equal(
    summary.predictions,
    400,
    "every inference output fetched from the network and proved against the chain",
  );
  assert.equal(summary.rssMbByJob.length, 3, "the miners' memory after each job");
  assert.ok(
    summary.rssMbByJob.every((mb: number) => mb > 50 && mb < 1000),
    `rss ${summary.rssMbByJob}`,
  );
  assert.ok(
    summary.heapMbByJob.every((mb: number, i: number) => mb > 1 && mb < summary.rssMbByJob[i]),
    `the live heap is part of the resident memory: heap ${summary.heapMbByJob}`,
  );
  // Each miner holds at least the three job specs and the model it ran by the last job.
  assert.equal(summary.blobsByJob.length, 3);
  assert.ok(summary.blobsByJob.at(-1) >= 4, `blobs ${summary.blobsByJob}`);
  assert.ok(summary.usefulFraction > 0 && summary.usefulFraction <= 1);
  assert.ok(summary.seconds > 0);
});
