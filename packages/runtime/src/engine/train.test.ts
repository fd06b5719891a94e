import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { forwardFlops } from "./forwardFlops.js";
import { initParams } from "./initParams.js";
import { forward } from "./network.js";
import { decodeTrainState, encodeTrainState } from "./stateCodec.js";
import { assertSameBits, onBothBackends, randomData } from "./testUtil.js";
import { createTrainState } from "./trainState.js";
import { trainStep } from "./trainStep.js";
import type { ModelSpec, OptimizerSpec } from "./types.js";

const mlp: ModelSpec = {
  kind: "mlp",
  inputSize: 12,
  hidden: [16, 8],
  classes: 3,
  activation: "relu",
  layerNorm: true,
};
const cnn: ModelSpec = {
  kind: "cnn",
  inputShape: [1, 10, 10],
  conv: [
    { filters: 4, kernel: 3 },
    { filters: 5, kernel: 3 },
  ],
  pool: "max",
  hidden: [9],
  classes: 3,
  activation: "gelu",
};
const sgd: OptimizerSpec = { kind: "sgd", lr: 0.05, momentum: 0.9 };
const adam: OptimizerSpec = {
  kind: "adam",
  lr: 0.01,
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
};

/** Random inputs whose label is a fixed linear function's argmax, so the task is learnable. */
function dataset(
  features: number,
  batch: number,
  seed: number,
): { x: { shape: number[]; data: Float32Array }; labels: Int32Array } {
  const data = randomData(batch * features, seed);
  const labels = new Int32Array(batch);
  for (let b = 0; b < batch; b++) {
    const s = [0, 0, 0];
    for (let j = 0; j < features; j++) s[j % 3] += data[b * features + j];
    labels[b] = s.indexOf(Math.max(...s));
  }
  return { x: { shape: [batch, features], data }, labels };
}

const stateHash = (s: ReturnType<typeof createTrainState>): string =>
  createHash("sha256").update(encodeTrainState(s)).digest("hex");

describe("training", () => {
  it("an MLP lowers its loss on a learnable random task (SGD and Adam)", () => {
    const { x, labels } = dataset(12, 32, 1);
    for (const opt of [sgd, adam]) {
      const st = createTrainState(mlp, opt, 7);
      const losses = Array.from({ length: 40 }, () => trainStep(mlp, opt, st, x, labels));
      assert.equal(st.step, 40);
      assert.ok(losses[39] < losses[0] * 0.5, `${opt.kind}: loss ${losses[0]} -> ${losses[39]}`);
    }
  });

  it("full train steps give identical bits on the JS and WASM backends (MLP + CNN, SGD + Adam)", () => {
    for (const [spec, opt, feats] of [
      [mlp, adam, 12],
      [cnn, sgd, 100],
      [cnn, adam, 100],
    ] as const) {
      const { x, labels } = dataset(feats, 5, 2);
      x.data[3] = 1e-41; // a subnormal input
      const r = onBothBackends(() => {
        const st = createTrainState(spec, opt, 3);
        const losses = [0, 1, 2].map(() => trainStep(spec, opt, st, x, labels));
        return { losses, bytes: encodeTrainState(st) };
      });
      assert.deepEqual(r.js.losses, r.wasm.losses);
      assert.ok(Buffer.from(r.js.bytes).equals(Buffer.from(r.wasm.bytes)), `${spec.kind}/${opt.kind}: states differ`);
    }
  });

  it("propagates NaN inputs identically on both backends", () => {
    const { x, labels } = dataset(12, 4, 3);
    x.data[5] = Number.NaN;
    x.data[6] = Number.POSITIVE_INFINITY;
    const r = onBothBackends(() => forward(mlp, initParams(mlp, 1), x));
    assertSameBits(r.js.data, r.wasm.data, "logits");
    assert.ok(Number.isNaN(r.js.data[0]));
    assert.ok(Number.isFinite(r.js.data[3]), "other rows are unaffected");
    void labels;
  });

  it("the same seed gives the same parameters, another seed different ones", () => {
    const a = initParams(cnn, 9);
    assert.deepEqual(
      a.map((p) => p.name),
      [
        "conv0.weight",
        "conv0.bias",
        "conv1.weight",
        "conv1.bias",
        "dense0.weight",
        "dense0.bias",
        "dense1.weight",
        "dense1.bias",
      ],
    );
    assert.deepEqual(a[4].tensor.shape, [9, 5 * 2 * 2]);
    assertSameBits(a[0].tensor.data, initParams(cnn, 9)[0].tensor.data);
    assert.notDeepEqual(a[0].tensor.data, initParams(cnn, 10)[0].tensor.data);
    const limit = Math.sqrt(6 / 9);
    assert.ok(a[0].tensor.data.every((v) => Math.abs(v) <= limit));
  });

  it("encode/decode round-trips and resuming from a checkpoint reproduces the uninterrupted run", () => {
    const { x, labels } = dataset(12, 8, 4);
    const a = createTrainState(mlp, adam, 5);
    a.cursor = 2 ** 40 + 3;
    for (let i = 0; i < 3; i++) trainStep(mlp, adam, a, x, labels);
    const bytes = encodeTrainState(a);
    const b = decodeTrainState(bytes);
    assert.ok(Buffer.from(encodeTrainState(b)).equals(Buffer.from(bytes)));
    assert.equal(b.step, 3);
    assert.equal(b.cursor, 2 ** 40 + 3);
    assert.deepEqual([...b.prng], [...a.prng]);
    for (let i = 0; i < 2; i++) {
      trainStep(mlp, adam, a, x, labels);
      trainStep(mlp, adam, b, x, labels);
    }
    assert.equal(stateHash(a), stateHash(b));
  });

  it("decoding rejects corrupt, truncated or foreign-version states", () => {
    const bytes = encodeTrainState(createTrainState(mlp, sgd, 1));
    assert.throws(() => decodeTrainState(bytes.subarray(0, bytes.length - 1)), /truncated/);
    assert.throws(() => decodeTrainState(Uint8Array.from([...bytes, 0])), /trailing/);
    const bad = bytes.slice();
    bad[0] = 0;
    assert.throws(() => decodeTrainState(bad), /magic/);
    const other = bytes.slice();
    other[8 + 5] = "X".charCodeAt(0); // inside the engine version string
    assert.throws(() => decodeTrainState(other), /engine/);
  });

  it("a child process with the same seed reaches the identical state hash (other backend too)", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "mai-engine-"));
    try {
      const engine = path.join(path.dirname(fileURLToPath(import.meta.url)), "index.ts");
      const script = path.join(dir, "run.mts");
      writeFileSync(
        script,
        `import { createTrainState, trainStep, encodeTrainState } from ${JSON.stringify(engine)};
import { createHash } from "node:crypto";
const [spec, opt, x, labels] = JSON.parse(process.argv[2]);
const st = createTrainState(spec, opt, 11);
for (let i = 0; i < 3; i++) trainStep(spec, opt, st, { shape: x.shape, data: Float32Array.from(x.data) }, Int32Array.from(labels));
process.stdout.write(createHash("sha256").update(encodeTrainState(st)).digest("hex"));
`,
      );
      const { x, labels } = dataset(100, 4, 6);
      const local = onBothBackends(() => {
        const st = createTrainState(cnn, adam, 11);
        for (let i = 0; i < 3; i++) trainStep(cnn, adam, st, x, labels);
        return stateHash(st);
      });
      assert.equal(local.js, local.wasm);
      const arg = JSON.stringify([cnn, adam, { shape: x.shape, data: [...x.data] }, [...labels]]);
      for (const backend of ["js", "wasm"]) {
        const r = spawnSync(process.execPath, ["--import", "tsx", script, arg], {
          encoding: "utf8",
          env: { ...process.env, MAI_ENGINE_BACKEND: backend },
        });
        assert.equal(r.status, 0, r.stderr);
        assert.equal(r.stdout, local.wasm, `child (${backend}) hash`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("forwardFlops", () => {
  it("counts 2mnk per dense/conv, 1 per bias/activation element, 4 per 2x2 pool output, 5 per layer-norm element", () => {
    const dense = (i: number, o: number): number => 2 * i * o + o;
    assert.equal(
      forwardFlops({
        kind: "mlp",
        inputSize: 784,
        hidden: [128],
        classes: 10,
        activation: "relu",
      }),
      dense(784, 128) + 128 + dense(128, 10),
    );
    assert.equal(forwardFlops(mlp), dense(12, 16) + 5 * 16 + 16 + dense(16, 8) + 5 * 8 + 8 + dense(8, 3));
    // conv0: 10x10 -> 10x10 (pad 1), pool -> 5x5; conv1: 5x5 -> 5x5, pool -> 2x2; flatten 20
    const conv0 = 2 * 4 * 100 * 9 + 400 + 400 + 4 * 25 * 4;
    const conv1 = 2 * 5 * 25 * 4 * 9 + 125 + 125 + 5 * 4 * 4;
    assert.equal(forwardFlops(cnn), conv0 + conv1 + dense(20, 9) + 9 + dense(9, 3));
  });
  it("rejects invalid specs", () => {
    assert.throws(() =>
      forwardFlops({
        kind: "mlp",
        inputSize: 0,
        hidden: [],
        classes: 2,
        activation: "relu",
      }),
    );
    assert.throws(() =>
      forwardFlops({
        kind: "cnn",
        inputShape: [1, 3, 3],
        conv: [{ filters: 2, kernel: 3, padding: 0 }],
        pool: "max",
        hidden: [],
        classes: 2,
        activation: "relu",
      }),
    );
  });
});
