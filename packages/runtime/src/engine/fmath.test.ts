import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { fexp, flog, ftanh } from "./fmath.js";

const f32 = new Float32Array(2);
const i32 = new Int32Array(f32.buffer);
/** Distance in units in the last place between two finite float32 values of the same sign. */
function ulps(a: number, b: number): number {
  f32[0] = a;
  f32[1] = b;
  return Math.abs(i32[0] - i32[1]);
}
const MAX_ULP = 2;

describe("fexp", () => {
  it("is within 2 ulp of the correctly rounded exp over the finite range", () => {
    fc.assert(
      fc.property(
        fc.float({
          min: Math.fround(-87),
          max: Math.fround(88.7),
          noNaN: true,
        }),
        (x) => {
          assert.ok(ulps(fexp(x), Math.fround(Math.exp(x))) <= MAX_ULP, `x=${x}: ${fexp(x)} vs ${Math.exp(x)}`);
        },
      ),
      { seed: 1, numRuns: 20000 },
    );
  });
  it("handles the special values", () => {
    assert.equal(fexp(0), 1);
    assert.equal(fexp(Number.NEGATIVE_INFINITY), 0);
    assert.equal(fexp(Number.POSITIVE_INFINITY), Number.POSITIVE_INFINITY);
    assert.equal(fexp(89), Number.POSITIVE_INFINITY);
    assert.equal(fexp(-104), 0);
    assert.ok(Number.isNaN(fexp(Number.NaN)));
    // subnormal results keep their precision to within one subnormal ulp
    assert.ok(Math.abs(fexp(-100) - Math.fround(Math.exp(-100))) <= 1.5e-45);
  });
  it("returns float32 values only", () => {
    for (const x of [-50.5, -1.25, 0.1, 3.3, 70.7]) assert.equal(fexp(x), Math.fround(fexp(x)));
  });
});

describe("flog", () => {
  it("is within 2 ulp of the correctly rounded log for positive normal inputs", () => {
    fc.assert(
      fc.property(
        fc.float({
          min: Math.fround(1.2e-38),
          max: Math.fround(3e38),
          noNaN: true,
        }),
        (x) => {
          assert.ok(ulps(flog(x), Math.fround(Math.log(x))) <= MAX_ULP, `x=${x}: ${flog(x)} vs ${Math.log(x)}`);
        },
      ),
      { seed: 2, numRuns: 20000 },
    );
  });
  it("is accurate near 1 and for subnormal inputs", () => {
    for (const x of [0.999, 1.0001, 0.75, 1.5, 1e-40, 1e-45]) {
      const want = Math.fround(Math.log(Math.fround(x)));
      assert.ok(ulps(flog(x), want) <= MAX_ULP, `x=${x}: ${flog(x)} vs ${want}`);
    }
  });
  it("handles the special values", () => {
    assert.equal(flog(1), 0);
    assert.equal(flog(0), Number.NEGATIVE_INFINITY);
    assert.equal(flog(Number.POSITIVE_INFINITY), Number.POSITIVE_INFINITY);
    assert.ok(Number.isNaN(flog(-1)));
    assert.ok(Number.isNaN(flog(Number.NaN)));
  });
});

describe("ftanh", () => {
  it("is within 2 ulp of the correctly rounded tanh", () => {
    fc.assert(
      fc.property(fc.float({ min: -12, max: 12, noNaN: true }), (x) => {
        assert.ok(ulps(ftanh(x), Math.fround(Math.tanh(x))) <= MAX_ULP, `x=${x}: ${ftanh(x)} vs ${Math.tanh(x)}`);
      }),
      { seed: 3, numRuns: 20000 },
    );
  });
  it("is odd, saturates and keeps the sign of zero", () => {
    for (const x of [0.1, 0.6, 0.7, 2, 9.5]) assert.equal(ftanh(-x), -ftanh(x));
    assert.equal(ftanh(50), 1);
    assert.equal(ftanh(Number.NEGATIVE_INFINITY), -1);
    assert.ok(Object.is(ftanh(-0), -0));
    assert.ok(Number.isNaN(ftanh(Number.NaN)));
  });
});
