import assert from "node:assert/strict";
import { test } from "node:test";
import { WAD } from "./constants.js";
import { exp2 } from "./exp2.js";
import { MathError } from "./MathError.js";

test("exp2 hits exact powers of two and known irrational values", () => {
  assert.equal(exp2(0n), WAD);
  assert.equal(exp2(WAD), 2n * WAD);
  assert.equal(exp2(-WAD), WAD / 2n);
  assert.equal(exp2(192n * WAD), WAD << 192n);
  assert.equal(exp2(-64n * WAD - 1n), 0n);
  const sqrt2 = 1414213562373095048n;
  const got = exp2(WAD / 2n);
  assert.ok(got <= sqrt2 && sqrt2 - got < 32n, `2^0.5 = ${got}`);
});

test("exp2 throws the Solidity error past 2^192", () => {
  assert.throws(
    () => exp2(192n * WAD + 1n),
    (err: unknown) => err instanceof MathError && err.errorName === "Exp2Overflow" && err.args[0] === 192n * WAD + 1n,
  );
});

test("exp2 is monotone across integer boundaries", () => {
  for (let n = -5n; n <= 5n; n++) {
    assert.ok(exp2(n * WAD - 1n) <= exp2(n * WAD));
    assert.ok(exp2(n * WAD) <= exp2(n * WAD + 1n));
  }
});
