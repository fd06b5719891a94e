import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const root = fileURLToPath(new URL("../../../../", import.meta.url));
const bin = path.join(root, "packages/cli/bin/mai.mjs");
const tmp = mkdtempSync(path.join(tmpdir(), "mai-run-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

async function mai(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, ...args], {
      cwd: root,
      encoding: "utf8",
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

test("mai run on the small example twice gives the same result root", async () => {
  const out = path.join(tmp, "run1");
  const [a, b] = await Promise.all([
    mai("run", "examples/mnist-mlp-train-small.json", "--json", "--out", out),
    mai("run", "examples/mnist-mlp-train-small.json", "--json"),
  ]);
  assert.equal(a.code, 0, a.stderr);
  assert.equal(b.code, 0, b.stderr);
  const ra = JSON.parse(a.stdout.trim().split("\n").at(-1) as string);
  const rb = JSON.parse(b.stdout.trim().split("\n").at(-1) as string);
  assert.match(ra.resultRoot, /^0x[0-9a-f]{64}$/);
  assert.equal(ra.resultRoot, rb.resultRoot);
  assert.ok(ra.cu > 0 && ra.seconds > 0 && ra.accuracy > 0.5 && ra.accuracy <= 1, a.stdout);
  // --out holds the result and the K+1 checkpoints of the unit, and nothing half-written beside it.
  const written = JSON.parse(readFileSync(path.join(out, "result.json"), "utf8"));
  assert.equal(written.resultRoot, ra.resultRoot);
  assert.equal(readdirSync(path.join(out, "checkpoints")).length, 5);
  assert.deepEqual(readdirSync(tmp), ["run1"]);
});

test("a bad spec fails with exit 1 and names the field", async () => {
  const spec = JSON.parse(readFileSync(path.join(root, "examples/mnist-mlp-train-small.json"), "utf8"));
  spec.model.hidden = [64, 0];
  const file = path.join(tmp, "bad.json");
  writeFileSync(file, JSON.stringify(spec));
  const r = await mai("run", file, "--json", "--out", path.join(tmp, "never"));
  assert.equal(r.code, 1);
  assert.match(r.stderr, /spec\.model\.hidden\[1\]: expected positive integer/);
  assert.equal(r.stdout, "");
  assert.equal(existsSync(path.join(tmp, "never")), false);
  const missing = await mai("run", path.join(tmp, "nope.json"));
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /cannot read/);
});

test("every command has --help", async () => {
  for (const args of [["--help"], ["run", "--help"], ["bench", "--help"]]) {
    const r = await mai(...args);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Usage: mai/);
  }
});
