// Tests for the CLI bundle: scripts/buildBundle.mjs, scripts/bundleStamp.mjs and the launcher
// bin/mai.mjs (they live outside src/, where tools/test-ts.mjs does not look for tests).
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { after, test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { Worker } from "node:worker_threads";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const cliDir = path.join(root, "packages/cli");
const bin = path.join(cliDir, "bin/mai.mjs");
const buildScript = path.join(cliDir, "scripts/buildBundle.mjs");
// Scratch space inside the repo (dist/ is git-ignored), so bundled files resolve node_modules as the CLI does.
mkdirSync(path.join(cliDir, "dist"), { recursive: true });
const work = mkdtempSync(path.join(cliDir, "dist", "test-"));
after(() => rmSync(work, { recursive: true, force: true }));

const stampModule = pathToFileURL(path.join(cliDir, "scripts/bundleStamp.mjs")).href;
const { isBundleCurrent } = (await import(stampModule)) as { isBundleCurrent(outDir?: string): boolean };

type Run = { code: number; stdout: string; stderr: string };

async function node(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, args, {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

test("the stamp notices a changed input; concurrent builds leave a bundle that runs", async () => {
  const src = path.join(work, "src");
  const out = path.join(work, "out");
  mkdirSync(src);
  const entry = path.join(src, "entry.ts");
  const greeting = path.join(src, "greeting.ts");
  writeFileSync(
    entry,
    'import { z } from "zod";\nimport { greeting } from "./greeting.js";\nconsole.log(z.string().parse(greeting));\n',
  );
  writeFileSync(greeting, 'export const greeting: string = "one";\n');
  const build = () => node([buildScript, "--entry", entry, "--out-dir", out]);

  assert.equal(isBundleCurrent(out), false, "nothing built yet");
  const builds = await Promise.all([build(), build(), build()]);
  for (const b of builds) assert.equal(b.code, 0, b.stderr);
  assert.equal(isBundleCurrent(out), true);
  assert.equal((await node([path.join(out, "mai.mjs")])).stdout, "one\n");
  const stamp = JSON.parse(readFileSync(path.join(out, "mai.stamp.json"), "utf8")) as { inputs: string[] };
  const rel = (f: string) => path.relative(root, f);
  assert.ok(stamp.inputs.includes(rel(greeting)) && stamp.inputs.includes(rel(entry)), "the sources are inputs");
  assert.ok(
    stamp.inputs.some((f) => f.includes("node_modules/zod/")),
    "bundled dependencies are inputs",
  );
  const bundleOne = readFileSync(path.join(out, "mai.mjs"));

  // A changed input makes the bundle stale until the next build.
  writeFileSync(greeting, 'export const greeting: string = "two";\n');
  assert.equal(isBundleCurrent(out), false);
  assert.equal((await build()).code, 0);
  assert.equal(isBundleCurrent(out), true);
  assert.equal((await node([path.join(out, "mai.mjs")])).stdout, "two\n");

  // A bundle from another build (two racing builds of different sources) does not pass for the stamp's.
  writeFileSync(path.join(out, "mai.mjs"), bundleOne);
  assert.equal(isBundleCurrent(out), false);
});

test("mai runs from the current bundle, with the WebAssembly kernels, and prints what tsx prints", async () => {
  const bundled = await node([bin, "--help"], { MAI_NO_BUNDLE: "" });
  assert.equal(bundled.code, 0, bundled.stderr);
  // The launcher says on stderr when it falls back to tsx; silence means the bundle ran.
  assert.equal(bundled.stderr, "");
  assert.ok(existsSync(path.join(cliDir, "dist/mai.stamp.json")), "the launcher built or reused a stamped bundle");
  const fromSource = await node([bin, "--help"], { MAI_NO_BUNDLE: "1" });
  assert.equal(fromSource.code, 0, fromSource.stderr);
  assert.equal(bundled.stdout, fromSource.stdout);
  assert.match(bundled.stdout, /Usage: mai/);

  // The engine finds build/kernels.wasm from the bundle too (a fallback to "js" would be 10x slower).
  const bench = await node([bin, "bench", "--json", "--seconds", "0.05"], { MAI_NO_BUNDLE: "" });
  assert.equal(bench.code, 0, bench.stderr);
  assert.equal(JSON.parse(bench.stdout).backend, "wasm");
});

test("the build writes a compute-only worker bundle under the main bundle's header, and it runs units bit for bit", async () => {
  const launched = await node([bin, "--help"], { MAI_NO_BUNDLE: "" });
  assert.equal(launched.code, 0, launched.stderr);
  const header = (file: string) => readFileSync(path.join(cliDir, "dist", file), "latin1").split("\n", 1)[0];
  assert.match(header("mai.mjs"), /^\/\/ mai-bundle sha256:[0-9a-f]{64}$/);
  assert.equal(header("mai-unit-worker.mjs"), header("mai.mjs"));
  const { runUnit } = await import("@maitoken/runtime");
  const spec = JSON.parse(readFileSync(path.join(root, "examples/mnist-data.json"), "utf8"));
  const worker = new Worker(path.join(cliDir, "dist/mai-unit-worker.mjs"));
  try {
    const answer = await new Promise<{ id: number; ok: boolean; result: { resultRoot: string } }>((resolve, reject) => {
      worker.once("message", resolve);
      worker.once("error", reject);
      worker.postMessage({ id: 7, spec, index: 1 });
    });
    assert.equal(answer.id, 7);
    assert.equal(answer.ok, true);
    assert.equal(answer.result.resultRoot, (await runUnit(spec, 1)).resultRoot);
  } finally {
    await worker.terminate();
  }
});

test("when the bundle cannot be built, mai runs from source and says so on stderr only", async () => {
  // A copy of the launcher whose dist/ is blocked by a file, so every build fails.
  const copy = path.join(work, "cli");
  mkdirSync(path.join(copy, "bin"), { recursive: true });
  mkdirSync(path.join(copy, "scripts"));
  copyFileSync(bin, path.join(copy, "bin/mai.mjs"));
  for (const f of ["buildBundle.mjs", "bundleStamp.mjs"])
    copyFileSync(path.join(cliDir, "scripts", f), path.join(copy, "scripts", f));
  symlinkSync(path.join(cliDir, "src"), path.join(copy, "src"));
  writeFileSync(path.join(copy, "dist"), "not a directory\n");

  const run = await node([path.join(copy, "bin/mai.mjs"), "--help"], { MAI_NO_BUNDLE: "" });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /Usage: mai/);
  const lines = run.stderr.trim().split("\n");
  assert.equal(lines.length, 1, run.stderr);
  assert.match(lines[0] as string, /^mai: cannot build the CLI bundle \(.+\); running from source through tsx$/);
});
