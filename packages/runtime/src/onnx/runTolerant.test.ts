import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createModel } from "./createModel.js";
import { encodeModel } from "./encodeModel.js";
import { OnnxError } from "./errors.js";
import { runOnnx } from "./runOnnx.js";
import { floatInit, node, randomTensor } from "./testing.js";

// y = relu(x · Wᵀ + b), stored with float_data so ONNX Runtime reads that encoding too.
const w = randomTensor([3, 5], 11);
const b = randomTensor([3], 12);
const model = encodeModel(
  createModel({
    opset: 13,
    nodes: [node("Gemm", ["x", "w", "b"], ["h"], [{ name: "transB", type: "int", value: 1 }]), node("Relu", ["h"], ["y"])],
    inputs: [{ name: "x", shape: ["batch", 5] }],
    outputs: [{ name: "y" }],
    initializers: [floatInit("w", w), floatInit("b", b)],
  }),
  { floatStorage: "float_data" },
);

describe("runOnnx tolerant mode (onnxruntime-node)", () => {
  it("runs a model we encoded and matches a float64 reference within 1e-6", async () => {
    const x = randomTensor([4, 5], 13);
    const out = await runOnnx(model, { x }, { mode: "tolerant" });
    assert.deepEqual(Object.keys(out), ["y"]);
    const y = out.y;
    assert.ok(y);
    assert.deepEqual(y.shape, [4, 3]);
    let sawNegativePreActivation = false;
    for (let r = 0; r < 4; r++) {
      for (let c = 0; c < 3; c++) {
        let acc = b.data[c] as number;
        for (let k = 0; k < 5; k++) acc += (x.data[r * 5 + k] as number) * (w.data[c * 5 + k] as number);
        if (acc < 0) sawNegativePreActivation = true;
        assert.ok(Math.abs((y.data[r * 3 + c] as number) - Math.max(0, acc)) < 1e-6, `(${r},${c})`);
      }
    }
    assert.ok(sawNegativePreActivation, "test data should exercise the relu");
  });

  it("names the expected inputs when they do not match", async () => {
    await assert.rejects(
      runOnnx(model, { input: randomTensor([1, 5], 1) }, { mode: "tolerant" }),
      (err: unknown) => err instanceof OnnxError && /expects \[x\], got \[input\]/.test(err.message),
    );
  });

  it("rejects malformed bytes with our error, not a runtime crash", async () => {
    await assert.rejects(
      runOnnx(model.subarray(0, 40), { x: randomTensor([1, 5], 1) }, { mode: "tolerant" }),
      (err: unknown) => err instanceof OnnxError && /malformed ONNX model/.test(err.message),
    );
  });

  it("reports a model ONNX Runtime refuses (unknown op) as an OnnxError", async () => {
    const bad = encodeModel(
      createModel({ opset: 13, nodes: [node("NoSuchOp", ["x"], ["y"])], inputs: [{ name: "x", shape: [1] }], outputs: [{ name: "y" }] }),
    );
    await assert.rejects(
      runOnnx(bad, { x: randomTensor([1], 1) }, { mode: "tolerant" }),
      (err: unknown) => err instanceof OnnxError && /onnxruntime could not load the model/.test(err.message),
    );
  });
});
