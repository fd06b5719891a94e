import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { activationBackward, activationForward } from "./activations.js";
import { conv2dBackward, conv2dForward } from "./conv2d.js";
import { initParams } from "./initParams.js";
import { layerNormBackward, layerNormForward } from "./layerNorm.js";
import { backward, forwardWithCache } from "./network.js";
import { avgPool2dBackward, maxPool2dBackward, maxPool2dForward, avgPool2d } from "./pool.js";
import { softmaxCrossEntropy } from "./softmax.js";
import { randomData } from "./testUtil.js";
import type { Activation, ModelSpec } from "./types.js";

const EPS = 1e-2;

/** Central difference of loss() w.r.t. data[i], evaluated in float64 from float32 losses. */
function numeric(data: Float32Array, i: number, loss: () => number): number {
  const old = data[i];
  data[i] = old + EPS;
  const up = loss();
  data[i] = old - EPS;
  const down = loss();
  data[i] = old;
  return (up - down) / (2 * EPS);
}

function close(num: number, ana: number, what: string): void {
  assert.ok(Math.abs(num - ana) <= 2e-3 + 3e-2 * Math.abs(num), `${what}: numeric ${num} vs analytic ${ana}`);
}

/** Checks `count` coordinates of `data` spread over the array. */
function check(data: Float32Array, grad: Float32Array, loss: () => number, what: string, count = 8): void {
  assert.equal(grad.length, data.length, `${what}: gradient length`);
  const step = Math.max(1, Math.floor(data.length / count));
  for (let i = 0; i < data.length; i += step) close(numeric(data, i, loss), grad[i], `${what}[${i}]`);
}

/** Projection loss sum(y * r), whose gradient w.r.t. y is r. */
const project = (y: Float32Array, r: Float32Array): number => y.reduce((s, v, i) => s + v * r[i], 0);

describe("backward passes match finite differences", () => {
  it("conv2d (stride, padding, dilation, groups): dx, dw, db", () => {
    const x = { shape: [2, 4, 7, 6], data: randomData(2 * 4 * 7 * 6, 1) };
    const w = { shape: [6, 2, 3, 3], data: randomData(6 * 2 * 9, 2) };
    const b = { shape: [6], data: randomData(6, 3) };
    const opts = {
      stride: [2, 1] as [number, number],
      pads: [1, 2, 0, 1] as [number, number, number, number],
      dilations: [1, 2] as [number, number],
      group: 2,
    };
    const { y, cache } = conv2dForward(x, w, b, opts);
    const r = randomData(y.data.length, 4);
    const g = conv2dBackward(cache, r, true);
    const loss = (): number => project(conv2dForward(x, w, b, opts).y.data, r);
    check(x.data, g.dx ?? new Float32Array(0), loss, "conv dx", 12);
    check(w.data, g.dw, loss, "conv dw", 12);
    check(b.data, g.db, loss, "conv db");
  });

  it("layerNorm: dx, dgamma, dbeta", () => {
    const x = randomData(4 * 6, 5, 3);
    const gamma = randomData(6, 6);
    const beta = randomData(6, 7);
    const r = randomData(24, 8);
    const { cache } = layerNormForward(x, gamma, beta, 6, 1e-5);
    const g = layerNormBackward(cache, gamma, r);
    const loss = (): number => project(layerNormForward(x, gamma, beta, 6, 1e-5).y, r);
    check(x, g.dx, loss, "layerNorm dx", 24);
    check(gamma, g.dgamma, loss, "layerNorm dgamma");
    check(beta, g.dbeta, loss, "layerNorm dbeta");
  });

  it("pooling: max and average (with padding)", () => {
    // distinct, well-separated values so that no max is within EPS of a tie
    const x = {
      shape: [1, 2, 5, 5],
      data: Float32Array.from({ length: 50 }, (_, i) => ((i * 37) % 50) * 0.1),
    };
    const o = {
      kernel: [2, 3] as [number, number],
      stride: [2, 2] as [number, number],
      pads: [1, 0, 0, 1] as [number, number, number, number],
    };
    const mp = maxPool2dForward(x, o);
    const r = randomData(mp.y.data.length, 9);
    check(
      x.data,
      maxPool2dBackward(mp.argmax, r, 50),
      () => project(maxPool2dForward(x, o).y.data, r),
      "maxPool dx",
      50,
    );
    const ap = avgPool2d(x, o);
    const ra = randomData(ap.data.length, 10);
    check(x.data, avgPool2dBackward(x, o, ra), () => project(avgPool2d(x, o).data, ra), "avgPool dx", 50);
  });

  it("the checker rejects a wrong gradient (negative control)", () => {
    const x = randomData(16, 14, 3);
    const y = activationForward("tanh", x);
    const r = randomData(16, 15);
    const wrong = activationBackward("tanh", x, y, r).map((v) => v * 1.1);
    assert.throws(() => check(x, wrong, () => project(activationForward("tanh", x), r), "wrong", 16), /numeric/);
  });

  it("activations", () => {
    for (const a of ["relu", "sigmoid", "tanh", "gelu"] as Activation[]) {
      const x = randomData(16, 11, 3).map((v) => (Math.abs(v) < 0.05 ? 0.5 : v)); // keep relu away from its kink
      const y = activationForward(a, x);
      const r = randomData(16, 12);
      check(x, activationBackward(a, x, y, r), () => project(activationForward(a, x), r), a, 16);
    }
  });

  const models: [string, ModelSpec][] = [
    [
      "mlp gelu + layerNorm",
      {
        kind: "mlp",
        inputSize: 6,
        hidden: [8, 5],
        classes: 3,
        activation: "gelu",
        layerNorm: true,
      },
    ],
    [
      "mlp sigmoid",
      {
        kind: "mlp",
        inputSize: 5,
        hidden: [7],
        classes: 4,
        activation: "sigmoid",
      },
    ],
    [
      "cnn tanh avg",
      {
        kind: "cnn",
        inputShape: [2, 8, 8],
        conv: [
          { filters: 3, kernel: 3 },
          { filters: 4, kernel: 3, padding: 1 },
        ],
        pool: "avg",
        hidden: [6],
        classes: 3,
        activation: "tanh",
      },
    ],
  ];
  for (const [name, spec] of models) {
    it(`whole model: ${name}`, () => {
      const params = initParams(spec, 3);
      const feats = spec.kind === "mlp" ? spec.inputSize : spec.inputShape[0] * spec.inputShape[1] * spec.inputShape[2];
      const x = { shape: [4, feats], data: randomData(4 * feats, 13) };
      const labels = Int32Array.from([0, 1, 2, 1]);
      const fr = forwardWithCache(spec, params, x);
      const grads = backward(fr, params, softmaxCrossEntropy(fr.logits, labels).grad);
      const loss = (): number => softmaxCrossEntropy(forwardWithCache(spec, params, x).logits, labels).loss;
      for (const p of params)
        check(p.tensor.data, grads.get(p.name) ?? new Float32Array(0), loss, `${name} ${p.name}`, 5);
    });
  }
});
