import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { ENGINE_VERSION } from "../engine/index.js";
import { type GoldenCase, computeGolden, goldenSpecs } from "./golden.js";

const golden = JSON.parse(readFileSync(new URL("./golden.json", import.meta.url), "utf8")) as {
  engine: string;
  cases: GoldenCase[];
};
const script = fileURLToPath(new URL("./golden.ts", import.meta.url));

async function inChildProcess(): Promise<GoldenCase[]> {
  const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", script], {
    encoding: "utf8",
    maxBuffer: 1 << 24,
  });
  return (JSON.parse(stdout) as { cases: GoldenCase[] }).cases;
}

test("golden.json covers the current golden specs of this engine version", () => {
  assert.equal(golden.engine, ENGINE_VERSION, "engine version changed: regenerate golden.json (see golden.ts)");
  assert.deepEqual(
    golden.cases.map((c) => ({ name: c.name, modelFrom: c.modelFrom, spec: c.spec })),
    goldenSpecs().map((c) => ({ name: c.name, modelFrom: c.modelFrom, spec: c.spec })),
  );
});

test("this machine reproduces every golden result root", async () => {
  const here = await computeGolden();
  for (const [i, c] of here.entries()) {
    assert.deepEqual(c.unitRoots, golden.cases[i]?.unitRoots, `case ${c.name}`);
    assert.equal(c.resultRoot, golden.cases[i]?.resultRoot, `case ${c.name}`);
  }
});

test("the same specs in two separate processes give identical result roots", async () => {
  const [a, b] = await Promise.all([inChildProcess(), inChildProcess()]);
  assert.deepEqual(
    a.map((c) => c.resultRoot),
    b.map((c) => c.resultRoot),
  );
  assert.deepEqual(
    a.map((c) => c.resultRoot),
    golden.cases.map((c) => c.resultRoot),
  );
  // Different workloads never share a root.
  assert.equal(new Set(a.map((c) => c.resultRoot)).size, a.length);
});
