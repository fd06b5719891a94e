/**
 * Round trip: train engine models for a few steps, export them, and run the ONNX file in exact
 * mode (must equal the engine's forward bit for bit) and in ONNX Runtime (within 1e-5).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  type ModelSpec,
  type OptimizerSpec,
  type Tensor,
  createTrainState,
  forward,
  getBackend,
  setBackend,
  trainStep,
} from "../engine/index.js";
import { compareOutputs } from "./compareOutputs.js";
import { decodeModel } from "./decodeModel.js";
import { OnnxError } from "./errors.js";
import { EXPORT_INPUT, EXPORT_OUTPUT, exportOnnx } from "./exportOnnx.js";
import { runOnnx } from "./runOnnx.js";
import { randomTensor } from "./testing.js";

const sgd: OptimizerSpec = { kind: "sgd", lr: 0.05, momentum: 0.9 };
const adam: OptimizerSpec = { kind: "adam", lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8 };

interface Case {
  label: string;
  spec: ModelSpec;
  opt: OptimizerSpec;
  opset: number;
  ops: string[];
}

const CASES: Case[] = [
  {
    label: "MLP relu + layer norm, Adam",
    spec: { kind: "mlp", inputSize: 20, hidden: [16, 12], classes: 5, activation: "relu", layerNorm: true },
    opt: adam,
    opset: 17,
    ops: ["Gemm", "LayerNormalization", "Relu", "Gemm", "LayerNormalization", "Relu", "Gemm"],
  },
  {
    label: "MLP gelu, SGD",
    spec: { kind: "mlp", inputSize: 10, hidden: [8], classes: 3, activation: "gelu" },
    opt: sgd,
    opset: 20,
    ops: ["Gemm", "Gelu", "Gemm"],
  },
  {
    label: "MLP tanh, no hidden layer norm",
    spec: { kind: "mlp", inputSize: 6, hidden: [7, 5], classes: 4, activation: "tanh" },
    opt: sgd,
    opset: 13,
    ops: ["Gemm", "Tanh", "Gemm", "Tanh", "Gemm"],
  },
  {
    label: "CNN relu max-pool, SGD",
    spec: {
      kind: "cnn",
      inputShape: [1, 10, 10],
      conv: [{ filters: 4, kernel: 3 }, { filters: 5, kernel: 3 }],
      pool: "max",
      hidden: [9],
      classes: 3,
      activation: "relu",
    },
    opt: sgd,
    opset: 13,
    ops: ["Conv", "Relu", "MaxPool", "Conv", "Relu", "MaxPool", "Flatten", "Gemm", "Relu", "Gemm"],
  },
  {
    label: "CNN sigmoid avg-pool, stride 2 and explicit padding, Adam",
    spec: {
      kind: "cnn",
      inputShape: [2, 12, 11],
      conv: [{ filters: 3, kernel: 5, stride: 2, padding: 1 }],
      pool: "avg",
      hidden: [],
      classes: 4,
      activation: "sigmoid",
    },
    opt: adam,
    opset: 13,
    ops: ["Conv", "Sigmoid", "AveragePool", "Flatten", "Gemm"],
  },
];

function inputShape(spec: ModelSpec, batch: number): number[] {
  return spec.kind === "mlp" ? [batch, spec.inputSize] : [batch, ...spec.inputShape];
}

const bits = (t: Tensor | undefined) => new Uint32Array((t as Tensor).data.buffer.slice(0));

describe("exportOnnx round trip", () => {
  for (const c of CASES) {
    it(`${c.label}: exact mode is bit-identical to forward, onnxruntime within 1e-5`, async () => {
      const state = createTrainState(c.spec, c.opt, 42);
      const before = bits(state.params[0]?.tensor);
      for (let step = 0; step < 3; step++) {
        const x = randomTensor(inputShape(c.spec, 8), 1000 + step);
        const labels = Int32Array.from({ length: 8 }, (_, i) => (i * 7 + step) % c.spec.classes);
        trainStep(c.spec, c.opt, state, x, labels);
      }
      assert.notDeepEqual(bits(state.params[0]?.tensor), before, "training should have changed the weights");

      const bytes = exportOnnx(c.spec, state.params);
      const model = decodeModel(bytes);
      assert.equal(model.opsetImport[0]?.version, c.opset);
      assert.deepEqual(model.graph.node.map((n) => n.opType), c.ops);
      assert.deepEqual(model.graph.initializer.map((t) => t.name), state.params.map((p) => p.name));

      const x = randomTensor(inputShape(c.spec, 5), 77, 2);
      const expected = forward(c.spec, state.params, x);
      const exact = await runOnnx(bytes, { [EXPORT_INPUT]: x }, { mode: "exact" });
      assert.deepEqual(exact[EXPORT_OUTPUT]?.shape, [5, c.spec.classes]);
      assert.deepEqual(bits(exact[EXPORT_OUTPUT]), bits(expected));

      const ort = await runOnnx(bytes, { [EXPORT_INPUT]: x }, { mode: "tolerant" });
      const verdict = compareOutputs(ort, { [EXPORT_OUTPUT]: expected }, { abs: 1e-5, rel: 1e-5 });
      assert.ok(verdict.ok, JSON.stringify(verdict));
    });
  }

  it("exact mode gives the same bits on the JS and WebAssembly kernel backends", async () => {
    const previous = getBackend();
    try {
      for (const c of [CASES[0], CASES[3]] as Case[]) {
        const params = createTrainState(c.spec, c.opt, 9).params;
        const bytes = exportOnnx(c.spec, params);
        const x = randomTensor(inputShape(c.spec, 4), 31);
        const results: Uint32Array[] = [];
        for (const backend of ["js", "wasm"] as const) {
          setBackend(backend);
          results.push(bits((await runOnnx(bytes, { [EXPORT_INPUT]: x }, { mode: "exact" }))[EXPORT_OUTPUT]));
        }
        assert.deepEqual(results[0], results[1], c.label);
      }
    } finally {
      setBackend(previous);
    }
  });

  it("is deterministic: the same model exports to the same bytes", () => {
    const c = CASES[3] as Case;
    const params = createTrainState(c.spec, c.opt, 5).params;
    assert.deepEqual(exportOnnx(c.spec, params), exportOnnx(c.spec, params));
  });

  it("refuses parameters that do not fit the spec", () => {
    const c = CASES[0] as Case;
    const params = createTrainState(c.spec, c.opt, 5).params;
    assert.throws(() => exportOnnx(c.spec, params.slice(1)), (e: unknown) => e instanceof OnnxError && /'dense0.weight' is missing/.test(e.message));
    const extra = [...params, { name: "bogus", tensor: { shape: [1], data: new Float32Array(1) } }];
    assert.throws(() => exportOnnx(c.spec, extra), /\[bogus\] are not part of the spec/);
    const wrong = params.map((p, i) => (i === 1 ? { ...p, tensor: { shape: [3], data: new Float32Array(3) } } : p));
    assert.throws(() => exportOnnx(c.spec, wrong), /'dense0.bias' has 3 values, the spec needs 16/);
  });
});
