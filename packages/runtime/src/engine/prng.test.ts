import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createPrng } from "./prng.js";

describe("createPrng", () => {
  it("follows the xoshiro128** reference recurrence (state 1,2,3,4)", () => {
    // First outputs of the reference C implementation from s = {1, 2, 3, 4}, worked by hand:
    // rotl(2*5, 7)*9 = 11520; then s1 becomes 0; then rotl(1029*5, 7)*9 = 5927040.
    const p = createPrng(Uint32Array.from([1, 2, 3, 4]));
    assert.deepEqual([p.nextU32(), p.nextU32(), p.nextU32()], [11520, 0, 5927040]);
  });
  it("is a pure function of the seed and resumes from its state", () => {
    const a = createPrng(12345);
    const b = createPrng(12345);
    for (let i = 0; i < 10; i++) assert.equal(a.nextU32(), b.nextU32());
    const c = createPrng(a.state());
    for (let i = 0; i < 10; i++) assert.equal(a.nextU32(), c.nextU32());
    assert.notEqual(createPrng(1).nextU32(), createPrng(2).nextU32());
  });
  it("distinguishes seeds above 2^32 and rejects invalid seeds", () => {
    assert.notEqual(createPrng(5).nextU32(), createPrng(5 + 2 ** 32).nextU32());
    assert.throws(() => createPrng(-1));
    assert.throws(() => createPrng(1.5));
    assert.throws(() => createPrng(new Uint32Array(3)));
  });
  it("nextFloat gives float32 values in [0, 1) with a plausible mean", () => {
    const p = createPrng(7);
    let sum = 0;
    for (let i = 0; i < 20000; i++) {
      const x = p.nextFloat();
      assert.ok(x >= 0 && x < 1);
      assert.equal(x, Math.fround(x));
      sum += x;
    }
    assert.ok(Math.abs(sum / 20000 - 0.5) < 0.01);
  });
});
