import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { appendFileSync, cpSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { isBuildCurrent, loadWasmKernels } from "./backend.js";

const pkg = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

describe("lazy WebAssembly build (scripts/buildWasm.mjs)", () => {
  it("builds reproducibly, skips when up to date and detects stale sources", () => {
    loadWasmKernels(); // makes sure the package's own build/kernels.wasm is current
    // the loader's in-process stamp check agrees with the script's
    const own = spawnSync(process.execPath, [path.join(pkg, "scripts", "buildWasm.mjs"), "--check"]);
    assert.equal(own.status, 0);
    assert.equal(isBuildCurrent(), true);
    // A copy of the build inputs inside build/ (gitignored) so node resolves assemblyscript.
    const dir = path.join(pkg, "build", `test-${process.pid}`);
    rmSync(dir, { recursive: true, force: true });
    try {
      mkdirSync(path.join(dir, "scripts"), { recursive: true });
      cpSync(path.join(pkg, "assembly"), path.join(dir, "assembly"), { recursive: true });
      cpSync(path.join(pkg, "asconfig.json"), path.join(dir, "asconfig.json"));
      cpSync(path.join(pkg, "scripts", "buildWasm.mjs"), path.join(dir, "scripts", "buildWasm.mjs"));
      const run = (...args: string[]) =>
        spawnSync(process.execPath, [path.join(dir, "scripts", "buildWasm.mjs"), ...args], { encoding: "utf8" });

      assert.equal(run("--check").status, 2, "missing output is stale");
      const built = run();
      assert.equal(built.status, 0, built.stderr);
      assert.match(built.stderr, /wrote/);
      const wasm = readFileSync(path.join(dir, "build", "kernels.wasm"));
      assert.ok(wasm.equals(readFileSync(path.join(pkg, "build", "kernels.wasm"))), "same inputs, same bytes");

      assert.equal(run("--check").status, 0);
      const again = run();
      assert.equal(again.status, 0);
      assert.doesNotMatch(again.stderr, /wrote/, "an up-to-date build is a no-op");

      appendFileSync(path.join(dir, "assembly", "kernels.ts"), "\n// edited\n");
      assert.equal(run("--check").status, 2, "edited sources are stale");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
