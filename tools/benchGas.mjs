#!/usr/bin/env node
// Gas benchmark (DESIGN 11): runs contracts/test/bench/GasBench.t.sol under `forge test --isolate` (every
// call a separate transaction) and prints one JSON object per line on stdout:
//   {"metric":"gas_per_unit","batch":N,"gas":G}   for N = 1, 8, 32
//   {"metric":"gas_vs_nodes","nodes":N,"gas":G}   for N = 10, 1000, 100000
// The per-operation table goes to stderr. Exits non-zero if forge fails (including the target asserts).
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const forge = join(root, "node_modules", ".bin", "forge");
const run = spawnSync(
  forge,
  ["test", "--isolate", "--match-path", "test/bench/GasBench.t.sol", "--match-test", "test_gasBenchmark", "-vv"],
  { cwd: join(root, "contracts"), encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
);
const out = `${run.stdout ?? ""}`;
const lines = out.split("\n").map((l) => l.trim());
const json = lines.filter((l) => l.startsWith("BENCH ")).map((l) => l.slice("BENCH ".length));
const table = lines.filter((l) => l.startsWith("TABLE ")).map((l) => l.slice("TABLE ".length));

if (run.status !== 0 || json.length === 0) {
  process.stderr.write(out);
  process.stderr.write(run.stderr ?? "");
  process.stderr.write("\nbench:gas failed\n");
  process.exit(run.status || 1);
}
for (const line of json) {
  JSON.parse(line); // every stdout line must be valid JSON
  process.stdout.write(`${line}\n`);
}
process.stderr.write("gas per operation (transaction gas: 21000 + calldata + execution - refund)\n");
for (const line of table) process.stderr.write(`${line}\n`);
