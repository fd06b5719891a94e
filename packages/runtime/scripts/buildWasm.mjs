#!/usr/bin/env node
// Builds build/kernels.wasm from assembly/*.ts with AssemblyScript when it is missing or stale
// (--force: always; --check: only report, exit 2 if stale).
// Staleness is decided by build/kernels.wasm.sha256, the sha256 of the inputs (sources,
// asconfig.json, compiler version); the engine's loader runs this script lazily, so no install
// hook is needed. Output is written to a temporary file and renamed, so concurrent builds are safe.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const pkg = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const out = path.join(pkg, "build", "kernels.wasm");
const stamp = `${out}.sha256`;

function inputsHash() {
  const h = createHash("sha256");
  const require = createRequire(import.meta.url);
  h.update(`asc ${require("assemblyscript/package.json").version}\n`);
  h.update(readFileSync(path.join(pkg, "asconfig.json")));
  const dir = path.join(pkg, "assembly");
  for (const name of readdirSync(dir).filter((n) => n.endsWith(".ts")).sort()) {
    h.update(`\n${name}\n`);
    h.update(readFileSync(path.join(dir, name)));
  }
  return h.digest("hex");
}

const want = inputsHash();
const force = process.argv.includes("--force");
const upToDate = existsSync(out) && existsSync(stamp) && readFileSync(stamp, "utf8").trim() === want;
// --check: exit 0 when up to date, 2 when a build is needed; never builds.
if (process.argv.includes("--check")) process.exit(upToDate ? 0 : 2);
if (!force && upToDate) process.exit(0);

mkdirSync(path.dirname(out), { recursive: true });
const tmp = `${out}.${process.pid}.tmp`;
// asc resolves the entry and asconfig paths against the working directory.
process.chdir(pkg);
const asc = (await import("assemblyscript/asc")).default;
const { error, stderr } = await asc.main(
  ["assembly/kernels.ts", "--config", "asconfig.json", "--outFile", path.relative(pkg, tmp)],
  { stdout: process.stdout, stderr: process.stderr, baseDir: pkg },
);
if (error) {
  console.error(`buildWasm: ${error.message}\n${stderr.toString()}`);
  process.exit(1);
}
renameSync(tmp, out);
writeFileSync(`${stamp}.${process.pid}.tmp`, `${want}\n`);
renameSync(`${stamp}.${process.pid}.tmp`, stamp);
console.error(`buildWasm: wrote ${out}`);
