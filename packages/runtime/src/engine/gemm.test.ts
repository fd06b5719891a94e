import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { gemm } from "./gemm.js";
import { matmul } from "./matmul.js";
import { assertSameBits, onBothBackends, randomData } from "./testUtil.js";
import type { Tensor } from "./types.js";

/** float64 reference of A*B (A [m,k], B [k,n] row-major). */
function refMatmul(a: Float32Array, b: Float32Array, m: number, n: number, k: number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) c[i * n + j] += a[i * k + p] * b[p * n + j];
  return c;
}

function transpose2(t: Float32Array, r: number, c: number): Float32Array {
  const o = new Float32Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) o[j * r + i] = t[i * c + j];
  return o;
}

const specialFloats = fc.oneof(
  { weight: 6, arbitrary: fc.float({ min: -4, max: 4, noNaN: true }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      -0,
      1e-45,
      -3e-39,
      1.1754942e-38,
    ),
  },
);

describe("gemm", () => {
  it("JS and WASM agree bit for bit on random shapes, transposes and special values", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 23 }),
        fc.integer({ min: 1, max: 37 }),
        fc.integer({ min: 1, max: 29 }),
        fc.boolean(),
        fc.boolean(),
        fc.integer({ min: 0, max: 1e6 }),
        fc.boolean(),
        (m, n, k, tA, tB, seed, special) => {
          const a: Tensor = {
            shape: tA ? [k, m] : [m, k],
            data: randomData(m * k, seed),
          };
          const b: Tensor = {
            shape: tB ? [n, k] : [k, n],
            data: randomData(k * n, seed + 1),
          };
          if (special) {
            const vals = fc.sample(fc.array(specialFloats, { minLength: 4, maxLength: 4 }), { seed, numRuns: 1 })[0];
            vals.forEach((v, i) => {
              a.data[(seed + 7 * i) % a.data.length] = v;
              b.data[(seed + 11 * i) % b.data.length] = v;
            });
          }
          const c: Tensor = { shape: [n], data: randomData(n, seed + 2) };
          const opts = { transA: tA, transB: tB, alpha: 1.5, beta: 0.5 };
          const r = onBothBackends(() => gemm(a, b, c, opts));
          assert.deepEqual(r.js.shape, [m, n]);
          assertSameBits(r.js.data, r.wasm.data, `gemm ${m}x${n}x${k}`);
        },
      ),
      { seed: 11, numRuns: 150 },
    );
  });

  it("JS and WASM agree across every blocking boundary (k > 256, m > 96, n > 1024, edge tiles)", () => {
    for (const [m, n, k] of [
      [97, 13, 300],
      [7, 1030, 9],
      [101, 9, 513],
      [100, 1030, 260],
    ] as const) {
      const a = { shape: [m, k], data: randomData(m * k, m) };
      const b = { shape: [k, n], data: randomData(k * n, n) };
      const r = onBothBackends(() => matmul(a, b));
      assertSameBits(r.js.data, r.wasm.data, `matmul ${m}x${n}x${k}`);
    }
  });

  it("computes A*B (+ C) correctly against a float64 reference", () => {
    const [m, n, k] = [9, 14, 33];
    const a = randomData(m * k, 1);
    const b = randomData(k * n, 2);
    const ref = refMatmul(a, b, m, n, k);
    const c = { shape: [m, 1], data: randomData(m, 3) };
    for (const [tA, tB] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ] as const) {
      const at = {
        shape: tA ? [k, m] : [m, k],
        data: tA ? transpose2(a, m, k) : a,
      };
      const bt = {
        shape: tB ? [n, k] : [k, n],
        data: tB ? transpose2(b, k, n) : b,
      };
      const y = gemm(at, bt, c, { transA: tA, transB: tB, alpha: 2, beta: -1 });
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          const want = 2 * ref[i * n + j] - c.data[i];
          assert.ok(Math.abs(y.data[i * n + j] - want) < 1e-4 * (1 + Math.abs(want)), `(${i},${j}) tA=${tA} tB=${tB}`);
        }
      }
    }
  });

  it("sums each element sequentially from +0 (observable through rounding and signed zeros)", () => {
    // 1e8 + 1 - 1e8 in float32 is 0 sequentially, 1 if the terms were paired differently.
    const a = { shape: [1, 3], data: Float32Array.from([1e8, 1, -1e8]) };
    const b = { shape: [3, 1], data: Float32Array.from([1, 1, 1]) };
    const r = onBothBackends(() => matmul(a, b));
    assert.equal(r.js.data[0], 0);
    assert.equal(r.wasm.data[0], 0);
    // (-0)*1 summed from +0 gives +0, not -0
    const z = onBothBackends(() =>
      matmul({ shape: [1, 1], data: Float32Array.from([-0]) }, { shape: [1, 1], data: Float32Array.from([1]) }),
    );
    assert.ok(Object.is(z.js.data[0], 0) && Object.is(z.wasm.data[0], 0));
  });

  it("rejects mismatched inner dimensions", () => {
    assert.throws(() =>
      gemm({ shape: [2, 3], data: new Float32Array(6) }, { shape: [2, 3], data: new Float32Array(6) }, undefined, {}),
    );
  });
});

describe("matmul", () => {
  it("broadcasts batch dimensions and promotes 1-D operands", () => {
    const a = { shape: [2, 1, 3, 4], data: randomData(24, 5) };
    const b = { shape: [3, 4, 2], data: randomData(24, 6) };
    const y = matmul(a, b);
    assert.deepEqual(y.shape, [2, 3, 3, 2]);
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 3; j++) {
        const one = matmul(
          { shape: [3, 4], data: a.data.subarray(i * 12, i * 12 + 12) },
          { shape: [4, 2], data: b.data.subarray(j * 8, j * 8 + 8) },
        );
        assertSameBits(y.data.subarray((i * 3 + j) * 6, (i * 3 + j + 1) * 6), one.data);
      }
    }
    const v = matmul({ shape: [4], data: randomData(4, 7) }, { shape: [4, 2], data: randomData(8, 8) });
    assert.deepEqual(v.shape, [2]);
    const s = matmul(
      { shape: [4], data: Float32Array.from([1, 2, 3, 4]) },
      { shape: [4], data: Float32Array.from([1, 1, 1, 1]) },
    );
    assert.deepEqual(s.shape, []);
    assert.equal(s.data[0], 10);
  });
});
