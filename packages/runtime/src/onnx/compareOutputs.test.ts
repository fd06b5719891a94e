import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compareOutputs } from "./compareOutputs.js";

const t = (...v: number[]) => ({ shape: [v.length], data: Float32Array.from(v) });
const tol = { abs: 1e-5, rel: 1e-3 };

describe("compareOutputs", () => {
  it("accepts differences inside abs + rel·max(|a|,|b|) and reports the maxima", () => {
    const r = compareOutputs({ y: t(1000, 0, -2) }, { y: t(1000.5, 5e-6, -2) }, tol);
    assert.equal(r.ok, true);
    assert.equal(r.compared, 3);
    assert.ok(Math.abs(r.maxAbsDiff - 0.5) < 1e-9);
    assert.ok(r.maxRelDiff > 0.99 && r.maxRelDiff <= 1, `${r.maxRelDiff}`);
  });

  it("rejects a difference just outside the tolerance and names the first mismatch", () => {
    const r = compareOutputs({ y: t(1, 2) }, { y: t(1, 2.01) }, tol);
    assert.equal(r.ok, false);
    assert.equal(r.mismatches, 1);
    assert.deepEqual(r.firstMismatch, { output: "y", index: 1, a: 2, b: Math.fround(2.01) });
  });

  it("is symmetric", () => {
    const a = { y: t(1, -3.5, 1e-7) };
    const b = { y: t(1.0009, -3.4999, 0) };
    assert.deepEqual(compareOutputs(a, b, tol).ok, compareOutputs(b, a, tol).ok);
    assert.equal(compareOutputs(a, b, tol).maxAbsDiff, compareOutputs(b, a, tol).maxAbsDiff);
  });

  it("matches NaN only with NaN and infinities only with themselves", () => {
    assert.equal(compareOutputs({ y: t(Number.NaN) }, { y: t(Number.NaN) }, tol).ok, true);
    assert.equal(compareOutputs({ y: t(Number.NaN) }, { y: t(0) }, tol).ok, false);
    assert.equal(compareOutputs({ y: t(Number.POSITIVE_INFINITY) }, { y: t(Number.POSITIVE_INFINITY) }, tol).ok, true);
    assert.equal(compareOutputs({ y: t(Number.POSITIVE_INFINITY) }, { y: t(3.4e38) }, tol).ok, false);
  });

  it("fails on missing outputs and shape differences", () => {
    const r1 = compareOutputs({ y: t(1), z: t(2) }, { y: t(1) }, tol);
    assert.equal(r1.ok, false);
    assert.match(r1.problems[0] ?? "", /'z' is missing on the second side/);
    const r2 = compareOutputs({ y: { shape: [2, 1], data: Float32Array.of(1, 2) } }, { y: t(1, 2) }, tol);
    assert.equal(r2.ok, false);
    assert.match(r2.problems[0] ?? "", /shape \[2, 1\] vs \[2\]/);
  });

  it("refuses a negative tolerance", () => {
    assert.throws(() => compareOutputs({}, {}, { abs: -1, rel: 0 }), RangeError);
  });
});
