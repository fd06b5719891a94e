import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { gelu, relu, sigmoid, tanh } from "./activations.js";
import { conv2d } from "./conv2d.js";
import { add, div, mul, sub } from "./elementwise.js";
import { layerNorm } from "./layerNorm.js";
import { avgPool2d, maxPool2d } from "./pool.js";
import { concat, reshape, transpose } from "./shape.js";
import { softmax, softmaxCrossEntropy } from "./softmax.js";
import { assertSameBits, onBothBackends, randomData } from "./testUtil.js";
import type { Tensor } from "./types.js";

/** Direct float64 convolution (reference). */
function refConv(
  x: Tensor,
  w: Tensor,
  b: Float32Array | undefined,
  s: number[],
  p: number[],
  d: number[],
  group: number,
): Float64Array {
  const [n, c, h, wd] = x.shape as [number, number, number, number];
  const [fo, cg, kh, kw] = w.shape as [number, number, number, number];
  const oh = Math.floor((h + p[0] + p[2] - d[0] * (kh - 1) - 1) / s[0]) + 1;
  const ow = Math.floor((wd + p[1] + p[3] - d[1] * (kw - 1) - 1) / s[1]) + 1;
  const out = new Float64Array(n * fo * oh * ow);
  const fg = fo / group;
  for (let bn = 0; bn < n; bn++)
    for (let f = 0; f < fo; f++)
      for (let y = 0; y < oh; y++)
        for (let xo = 0; xo < ow; xo++) {
          let acc = b ? b[f] : 0;
          const g = Math.floor(f / fg);
          for (let ci = 0; ci < cg; ci++)
            for (let i = 0; i < kh; i++)
              for (let j = 0; j < kw; j++) {
                const iy = y * s[0] - p[0] + i * d[0];
                const ix = xo * s[1] - p[1] + j * d[1];
                if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                acc += x.data[((bn * c + g * cg + ci) * h + iy) * wd + ix] * w.data[((f * cg + ci) * kh + i) * kw + j];
              }
          out[((bn * fo + f) * oh + y) * ow + xo] = acc;
        }
  return out;
}

describe("conv2d", () => {
  it("JS and WASM agree bit for bit and match a direct float64 convolution", () => {
    fc.assert(
      fc.property(
        fc.record({
          n: fc.integer({ min: 1, max: 3 }),
          cg: fc.integer({ min: 1, max: 3 }),
          group: fc.integer({ min: 1, max: 2 }),
          fg: fc.integer({ min: 1, max: 5 }),
          h: fc.integer({ min: 3, max: 11 }),
          w: fc.integer({ min: 3, max: 11 }),
          k: fc.integer({ min: 1, max: 3 }),
          s: fc.integer({ min: 1, max: 2 }),
          p: fc.integer({ min: 0, max: 2 }),
          d: fc.integer({ min: 1, max: 2 }),
          seed: fc.integer({ min: 0, max: 1e6 }),
        }),
        ({ n, cg, group, fg, h, w, k, s, p, d, seed }) => {
          if (h + 2 * p < d * (k - 1) + 1 || w + 2 * p < d * (k - 1) + 1) return;
          const c = cg * group;
          const fo = fg * group;
          const x = {
            shape: [n, c, h, w],
            data: randomData(n * c * h * w, seed),
          };
          const wt = {
            shape: [fo, cg, k, k],
            data: randomData(fo * cg * k * k, seed + 1),
          };
          const b = { shape: [fo], data: randomData(fo, seed + 2) };
          const opts = {
            stride: [s, s] as [number, number],
            pads: [p, p, p + 1, p] as [number, number, number, number],
            dilations: [d, d] as [number, number],
            group,
          };
          const r = onBothBackends(() => conv2d(x, wt, b, opts));
          assertSameBits(r.js.data, r.wasm.data, "conv2d");
          const ref = refConv(x, wt, b.data, opts.stride, opts.pads, opts.dilations, group);
          assert.equal(r.js.data.length, ref.length);
          ref.forEach((v, i) => {
            assert.ok(Math.abs(r.js.data[i] - v) < 1e-4, `conv2d element ${i}: ${r.js.data[i]} vs ${v}`);
          });
        },
      ),
      { seed: 21, numRuns: 80 },
    );
  });
});

describe("pooling", () => {
  it("maxPool2d and avgPool2d match a direct reference, with padding", () => {
    const x = {
      shape: [1, 1, 3, 4],
      data: Float32Array.from([1, 5, 2, 0, -1, 3, 4, 8, 6, -2, 7, 1]),
    };
    const pads: [number, number, number, number] = [1, 1, 0, 0];
    const mp = maxPool2d(x, { kernel: [2, 2], stride: [2, 2], pads });
    assert.deepEqual(mp.shape, [1, 1, 2, 2]);
    assert.deepEqual([...mp.data], [1, 5, 6, 7]);
    const ap = avgPool2d(x, { kernel: [2, 2], stride: [2, 2], pads });
    assert.deepEqual([...ap.data], [1, 3.5, 2.5, 3].map(Math.fround));
    const api = avgPool2d(x, {
      kernel: [2, 2],
      stride: [2, 2],
      pads,
      countIncludePad: true,
    });
    assert.deepEqual([...api.data], [0.25, 1.75, 1.25, 3].map(Math.fround));
  });
  it("JS and WASM agree; NaN and infinities propagate through max pooling", () => {
    const data = randomData(2 * 3 * 7 * 5, 9);
    data[3] = Number.NaN;
    data[40] = Number.POSITIVE_INFINITY;
    data[77] = 1e-45;
    const x = { shape: [2, 3, 7, 5], data };
    const o = {
      kernel: [3, 2] as [number, number],
      stride: [2, 1] as [number, number],
      pads: [1, 0, 1, 1] as [number, number, number, number],
    };
    const r = onBothBackends(() => [maxPool2d(x, o), avgPool2d(x, o)]);
    r.js.forEach((t, i) => {
      assertSameBits(t.data, r.wasm[i].data, "pool");
    });
    assert.ok(r.js[0].data.some((v) => Number.isNaN(v)));
    assert.ok(r.js[0].data.includes(Number.POSITIVE_INFINITY));
  });
});

describe("activations and softmax", () => {
  const data = Float32Array.from([
    -100,
    -20,
    -3.5,
    -1,
    -1e-30,
    -0,
    0,
    1e-45,
    0.3,
    0.625,
    1,
    4.2,
    30,
    100,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
  ]);
  const x = { shape: [data.length], data };
  it("are close to the float64 definitions and identical on both backends", () => {
    const r = onBothBackends(() => [relu(x), sigmoid(x), tanh(x), gelu(x)]);
    r.js.forEach((t, i) => {
      assertSameBits(t.data, r.wasm[i].data, "activation");
    });
    const [rl, sg, th, ge] = r.js as [Tensor, Tensor, Tensor, Tensor];
    data.forEach((v, i) => {
      if (!Number.isFinite(v)) return;
      assert.equal(rl.data[i], Math.max(v, 0));
      assert.ok(Math.abs(sg.data[i] - 1 / (1 + Math.exp(-v))) < 1e-6);
      assert.ok(Math.abs(th.data[i] - Math.tanh(v)) < 1e-6);
      const g = 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)));
      assert.ok(Math.abs(ge.data[i] - g) < 1e-5 * (1 + Math.abs(g)), `gelu(${v}) = ${ge.data[i]} vs ${g}`);
    });
    assert.ok(Number.isNaN(rl.data[14]) && Number.isNaN(sg.data[14]));
    assert.equal(sg.data[15], 1);
    assert.equal(sg.data[16], 0);
  });
  it("softmax sums to 1 along any axis and is shift invariant", () => {
    const t = { shape: [2, 3, 4], data: randomData(24, 4, 30) };
    for (const axis of [0, 1, 2, -1]) {
      const y = softmax(t, axis);
      const shifted = softmax(add(t, { shape: [], data: Float32Array.from([7]) }), axis);
      const ax = axis < 0 ? 2 : axis;
      const strides = [12, 4, 1];
      for (let e = 0; e < 24; e++) {
        const pos = [Math.floor(e / 12), Math.floor(e / 4) % 3, e % 4];
        if (pos[ax] !== 0) continue;
        let s = 0;
        for (let j = 0; j < t.shape[ax]; j++) s += y.data[e + j * strides[ax]];
        assert.ok(Math.abs(s - 1) < 1e-6);
      }
      y.data.forEach((v, i) => {
        assert.ok(Math.abs(v - shifted.data[i]) < 1e-5);
      });
    }
  });
  it("softmaxCrossEntropy gives the mean negative log-likelihood and (p - onehot)/batch", () => {
    const logits = {
      shape: [2, 3],
      data: Float32Array.from([1, 2, 3, 0, 0, 50]),
    };
    const { loss, grad } = softmaxCrossEntropy(logits, Int32Array.from([2, 0]));
    const l0 = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)) - 3;
    const l1 = 50 + Math.log(2 * Math.exp(-50) + 1);
    assert.ok(Math.abs(loss - (l0 + l1) / 2) < 1e-5);
    const p = softmax(logits, 1).data;
    assert.ok(Math.abs(grad[2] - (p[2] - 1) / 2) < 1e-7);
    assert.ok(Math.abs(grad[3] - (p[3] - 1) / 2) < 1e-7);
    assert.throws(() => softmaxCrossEntropy(logits, Int32Array.from([3, 0])));
  });
});

describe("layerNorm", () => {
  it("normalises the last axis and applies gamma and beta", () => {
    const x = { shape: [3, 5], data: randomData(15, 8, 10) };
    const gamma = { shape: [5], data: randomData(5, 9) };
    const beta = { shape: [5], data: randomData(5, 10) };
    const r = onBothBackends(() => layerNorm(x, gamma, beta, 1e-5));
    assertSameBits(r.js.data, r.wasm.data, "layerNorm");
    for (let row = 0; row < 3; row++) {
      const v = Array.from(x.data.subarray(row * 5, row * 5 + 5));
      const mean = v.reduce((a, b) => a + b) / 5;
      const vr = v.reduce((a, b) => a + (b - mean) ** 2, 0) / 5;
      v.forEach((xv, j) => {
        const want = ((xv - mean) / Math.sqrt(vr + 1e-5)) * gamma.data[j] + beta.data[j];
        assert.ok(Math.abs(r.js.data[row * 5 + j] - want) < 1e-5);
      });
    }
  });
});

describe("elementwise and shape ops", () => {
  it("broadcast like numpy", () => {
    const a = { shape: [2, 1, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6]) };
    const b = { shape: [2, 1], data: Float32Array.from([10, 20]) };
    const s = add(a, b);
    assert.deepEqual(s.shape, [2, 2, 3]);
    assert.deepEqual([...s.data], [11, 12, 13, 21, 22, 23, 14, 15, 16, 24, 25, 26]);
    assert.deepEqual([...mul(a, { shape: [3], data: Float32Array.from([0, 1, -1]) }).data], [0, 2, -3, 0, 5, -6]);
    assert.deepEqual([...sub(b, b).data], [0, 0]);
    assert.deepEqual(
      [...div({ shape: [1], data: Float32Array.from([1]) }, { shape: [1], data: Float32Array.from([3]) }).data],
      [Math.fround(1 / 3)],
    );
    assert.throws(() => add({ shape: [2], data: new Float32Array(2) }, { shape: [3], data: new Float32Array(3) }));
  });
  it("transpose, reshape and concat move data exactly", () => {
    const x = {
      shape: [2, 3, 4],
      data: Float32Array.from({ length: 24 }, (_, i) => i),
    };
    const t = transpose(x, [2, 0, 1]);
    assert.deepEqual(t.shape, [4, 2, 3]);
    assert.equal(t.data[1 * 6 + 1 * 3 + 2], x.data[1 * 12 + 2 * 4 + 1]);
    assert.deepEqual([...transpose(t, [1, 2, 0]).data], [...x.data]);
    assert.deepEqual(reshape(x, [4, -1]).shape, [4, 6]);
    assert.throws(() => reshape(x, [5, -1]));
    const c = concat([x, { shape: [2, 1, 4], data: new Float32Array(8).fill(-1) }], 1);
    assert.deepEqual(c.shape, [2, 4, 4]);
    assert.deepEqual([...c.data.subarray(12, 20)], [-1, -1, -1, -1, 12, 13, 14, 15]);
  });
});
