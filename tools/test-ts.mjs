#!/usr/bin/env node
// Runs every packages/*/src/**/*.test.ts with node's test runner (Node 20 has no --test globs).
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import path from "node:path";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const only = process.argv.slice(2);

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    if (name === "node_modules") continue;
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) walk(full, out);
    else if (name.endsWith(".test.ts")) out.push(full);
  }
  return out;
}

const files = [];
for (const pkg of readdirSync(path.join(root, "packages"))) {
  const src = path.join(root, "packages", pkg, "src");
  try {
    walk(src, files);
  } catch {}
}
const selected = only.length ? files.filter((f) => only.some((o) => f.includes(o))) : files;
if (selected.length === 0) {
  console.error("no TypeScript test files found");
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ["--import", "tsx", "--test", "--test-concurrency=1", "--test-reporter=spec", ...selected.sort()],
  { stdio: "inherit", cwd: root },
);
process.exit(result.status ?? 1);
