/**
 * Every exact-mode op against ONNX Runtime: single-op (or tiny) models built with our encoder,
 * seeded random inputs, outputs within 1e-5.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Tensor } from "../engine/index.js";
import { compareOutputs } from "./compareOutputs.js";
import { createModel } from "./createModel.js";
import { encodeModel } from "./encodeModel.js";
import { EXACT_OPS } from "./exactOps.js";
import { runOnnx } from "./runOnnx.js";
import { floatInit, int64Init, node, randomTensor } from "./testing.js";
import type { OnnxAttribute, OnnxNode, OnnxTensor } from "./types.js";

interface Case {
  label: string;
  nodes: OnnxNode[];
  /** Graph inputs: shape and value scale (values uniform in [-scale, scale) plus offset). */
  inputs: Record<string, { shape: number[]; scale?: number; offset?: number }>;
  initializers?: OnnxTensor[];
  outputs?: string[];
  opset?: number;
}

const int = (name: string, value: number): OnnxAttribute => ({ name, type: "int", value });
const ints = (name: string, value: number[]): OnnxAttribute => ({ name, type: "ints", value });
const flt = (name: string, value: number): OnnxAttribute => ({ name, type: "float", value });
const str = (name: string, value: string): OnnxAttribute => ({ name, type: "string", value });

const unary = (op: string, scale = 4): Case => ({
  label: op,
  nodes: [node(op, ["x"], ["y"])],
  inputs: { x: { shape: [3, 17], scale } },
});
const binary = (op: string, a: number[], b: number[], offset = 0): Case => ({
  label: `${op} [${a}] with [${b}]`,
  nodes: [node(op, ["a", "b"], ["y"])],
  inputs: { a: { shape: a }, b: { shape: b, scale: 0.5, offset } },
});

const CASES: Case[] = [
  {
    label: "Gemm transB with bias [N]",
    nodes: [node("Gemm", ["x", "w", "c"], ["y"], [int("transB", 1)])],
    inputs: { x: { shape: [4, 33] } },
    initializers: [floatInit("w", randomTensor([7, 33], 100)), floatInit("c", randomTensor([7], 101))],
  },
  {
    label: "Gemm transA, alpha, beta, C [M,N]",
    nodes: [node("Gemm", ["x", "w", "c"], ["y"], [int("transA", 1), flt("alpha", 0.5), flt("beta", 2)])],
    inputs: { x: { shape: [9, 5] } },
    initializers: [floatInit("w", randomTensor([9, 6], 102)), floatInit("c", randomTensor([5, 6], 103))],
  },
  {
    label: "Gemm without C",
    nodes: [node("Gemm", ["x", "w"], ["y"])],
    inputs: { x: { shape: [2, 3] } },
    initializers: [floatInit("w", randomTensor([3, 4], 104))],
  },
  { label: "MatMul 2-D", nodes: [node("MatMul", ["a", "b"], ["y"])], inputs: { a: { shape: [5, 70] }, b: { shape: [70, 3] } } },
  { label: "MatMul 3-D x 2-D", nodes: [node("MatMul", ["a", "b"], ["y"])], inputs: { a: { shape: [2, 3, 8] }, b: { shape: [8, 5] } } },
  { label: "MatMul batch broadcast", nodes: [node("MatMul", ["a", "b"], ["y"])], inputs: { a: { shape: [2, 3, 4] }, b: { shape: [1, 4, 5] } } },
  { label: "MatMul 1-D x 2-D", nodes: [node("MatMul", ["a", "b"], ["y"])], inputs: { a: { shape: [6] }, b: { shape: [6, 2] } } },
  binary("Add", [2, 3, 4], [3, 1]),
  binary("Mul", [2, 3, 4], [4]),
  binary("Sub", [3, 1], [2, 3, 4]),
  binary("Div", [2, 3, 4], [2, 1, 4], 1.5),
  unary("Relu"),
  unary("Sigmoid", 12),
  unary("Tanh", 6),
  { label: "Softmax opset 13, last axis", nodes: [node("Softmax", ["x"], ["y"])], inputs: { x: { shape: [2, 3, 10], scale: 8 } } },
  { label: "Softmax opset 13, axis 1", nodes: [node("Softmax", ["x"], ["y"], [int("axis", 1)])], inputs: { x: { shape: [2, 3, 10], scale: 8 } } },
  {
    label: "Softmax opset 11 (2-D coercion at axis 1)",
    opset: 11,
    nodes: [node("Softmax", ["x"], ["y"])],
    inputs: { x: { shape: [2, 3, 4], scale: 8 } },
  },
  {
    label: "Conv 3x3 pad 1 with bias",
    nodes: [node("Conv", ["x", "w", "b"], ["y"], [ints("kernel_shape", [3, 3]), ints("pads", [1, 1, 1, 1])])],
    inputs: { x: { shape: [2, 3, 8, 8] } },
    initializers: [floatInit("w", randomTensor([4, 3, 3, 3], 200)), floatInit("b", randomTensor([4], 201))],
  },
  {
    label: "Conv stride 2, asymmetric pads, no bias",
    nodes: [node("Conv", ["x", "w"], ["y"], [ints("strides", [2, 2]), ints("pads", [0, 1, 1, 0])])],
    inputs: { x: { shape: [1, 2, 9, 7] } },
    initializers: [floatInit("w", randomTensor([3, 2, 3, 2], 202))],
  },
  {
    label: "Conv group 2, dilation 2",
    nodes: [node("Conv", ["x", "w", "b"], ["y"], [int("group", 2), ints("dilations", [2, 2])])],
    inputs: { x: { shape: [1, 4, 9, 9] } },
    initializers: [floatInit("w", randomTensor([6, 2, 3, 3], 203)), floatInit("b", randomTensor([6], 204))],
  },
  {
    label: "Conv auto_pad SAME_UPPER stride 2",
    nodes: [node("Conv", ["x", "w"], ["y"], [str("auto_pad", "SAME_UPPER"), ints("strides", [2, 2])])],
    inputs: { x: { shape: [1, 1, 8, 8] } },
    initializers: [floatInit("w", randomTensor([2, 1, 4, 4], 205))],
  },
  {
    label: "MaxPool 2x2 stride 2",
    nodes: [node("MaxPool", ["x"], ["y"], [ints("kernel_shape", [2, 2]), ints("strides", [2, 2])])],
    inputs: { x: { shape: [2, 3, 8, 6] } },
  },
  {
    label: "MaxPool 3x3 stride 1 pads 1",
    nodes: [node("MaxPool", ["x"], ["y"], [ints("kernel_shape", [3, 3]), ints("pads", [1, 1, 1, 1])])],
    inputs: { x: { shape: [1, 2, 5, 5] } },
  },
  {
    label: "AveragePool pads, count_include_pad 0",
    nodes: [node("AveragePool", ["x"], ["y"], [ints("kernel_shape", [3, 3]), ints("strides", [2, 2]), ints("pads", [1, 1, 1, 1])])],
    inputs: { x: { shape: [1, 2, 7, 7] } },
  },
  {
    label: "AveragePool pads, count_include_pad 1",
    nodes: [
      node("AveragePool", ["x"], ["y"], [ints("kernel_shape", [2, 2]), ints("pads", [1, 0, 1, 0]), int("count_include_pad", 1)]),
    ],
    inputs: { x: { shape: [1, 1, 4, 5] } },
  },
  { label: "GlobalAveragePool", nodes: [node("GlobalAveragePool", ["x"], ["y"])], inputs: { x: { shape: [2, 3, 5, 4] } } },
  { label: "GlobalMaxPool", nodes: [node("GlobalMaxPool", ["x"], ["y"])], inputs: { x: { shape: [2, 3, 5, 4] } } },
  { label: "Flatten axis 1", nodes: [node("Flatten", ["x"], ["y"])], inputs: { x: { shape: [2, 3, 4, 5] } } },
  { label: "Flatten axis -1", nodes: [node("Flatten", ["x"], ["y"], [int("axis", -1)])], inputs: { x: { shape: [2, 3, 4] } } },
  {
    label: "Reshape with 0 and -1",
    nodes: [node("Reshape", ["x", "s"], ["y"])],
    inputs: { x: { shape: [2, 3, 4] } },
    initializers: [int64Init("s", [0, -1, 2])],
  },
  { label: "Transpose default perm", nodes: [node("Transpose", ["x"], ["y"])], inputs: { x: { shape: [2, 3, 4] } } },
  {
    label: "Transpose perm [0,2,3,1]",
    nodes: [node("Transpose", ["x"], ["y"], [ints("perm", [0, 2, 3, 1])])],
    inputs: { x: { shape: [2, 3, 4, 5] } },
  },
  {
    label: "Concat axis 1 of three",
    nodes: [node("Concat", ["a", "b", "c"], ["y"], [int("axis", 1)])],
    inputs: { a: { shape: [2, 1, 3] }, b: { shape: [2, 4, 3] }, c: { shape: [2, 2, 3] } },
  },
  {
    label: "Concat negative axis",
    nodes: [node("Concat", ["a", "b"], ["y"], [int("axis", -1)])],
    inputs: { a: { shape: [2, 3] }, b: { shape: [2, 5] } },
  },
  {
    label: "Identity then Constant + Add",
    nodes: [
      node("Identity", ["x"], ["i"]),
      node("Constant", [], ["k"], [{ name: "value", type: "tensor", value: floatInit("", randomTensor([4], 300)) }]),
      node("Add", ["i", "k"], ["y"]),
    ],
    inputs: { x: { shape: [3, 4] } },
  },
  {
    label: "LayerNormalization (opset 17, last axis)",
    opset: 17,
    nodes: [node("LayerNormalization", ["x", "g", "b"], ["y"], [flt("epsilon", 1e-5)])],
    inputs: { x: { shape: [4, 16], scale: 3, offset: 1 } },
    initializers: [floatInit("g", randomTensor([16], 400)), floatInit("b", randomTensor([16], 401))],
  },
  {
    label: "Gelu tanh approximation (opset 20)",
    opset: 20,
    nodes: [node("Gelu", ["x"], ["y"], [str("approximate", "tanh")])],
    inputs: { x: { shape: [3, 20], scale: 5 } },
  },
  {
    label: "PyTorch-style flatten: Shape -> Gather -> Unsqueeze -> Concat -> Reshape",
    nodes: [
      node("Shape", ["x"], ["s"]),
      node("Gather", ["s", "zero"], ["n"], [int("axis", 0)]),
      node("Unsqueeze", ["n", "axes0"], ["n1"]),
      node("Concat", ["n1", "minus1"], ["target"], [int("axis", 0)]),
      node("Reshape", ["x", "target"], ["y"]),
    ],
    inputs: { x: { shape: [2, 3, 4] } },
    initializers: [
      { name: "zero", dataType: 7, dims: [], data: BigInt64Array.of(0n) },
      int64Init("axes0", [0]),
      int64Init("minus1", [-1]),
    ],
  },
  {
    label: "Shape with start/end (opset 15) and int Concat into Reshape",
    opset: 15,
    nodes: [
      node("Shape", ["x"], ["tail"], [int("start", -2)]),
      node("Shape", ["x"], ["head"], [int("end", 1)]),
      node("Concat", ["tail", "head"], ["target"], [int("axis", 0)]),
      node("Reshape", ["x", "target"], ["y"]),
    ],
    inputs: { x: { shape: [2, 3, 4] } },
  },
  {
    label: "Gather on floats (embedding rows, negative index)",
    nodes: [node("Gather", ["table", "ids"], ["y"])],
    inputs: {},
    initializers: [
      floatInit("table", randomTensor([10, 4], 500)),
      { name: "ids", dataType: 7, dims: [2, 3], data: BigInt64Array.of(1n, 3n, 9n, -1n, 0n, 3n) },
    ],
  },
  {
    label: "Gather on floats along axis 1 with a scalar index",
    nodes: [node("Gather", ["x", "i"], ["y"], [int("axis", 1)])],
    inputs: { x: { shape: [2, 5, 3] } },
    initializers: [{ name: "i", dataType: 7, dims: [], data: BigInt64Array.of(-2n) }],
  },
  {
    label: "Unsqueeze and Squeeze, axes as inputs (opset 13)",
    nodes: [node("Unsqueeze", ["x", "ax"], ["u"]), node("Squeeze", ["u", "sq"], ["y"])],
    inputs: { x: { shape: [3, 4] } },
    initializers: [int64Init("ax", [0, -1]), int64Init("sq", [0])],
  },
  {
    label: "Unsqueeze and Squeeze, axes as attributes (opset 11)",
    opset: 11,
    nodes: [node("Unsqueeze", ["x"], ["u"], [ints("axes", [1])]), node("Squeeze", ["u"], ["y"])],
    inputs: { x: { shape: [1, 4] } },
  },
  {
    label: "Cast float -> int64 -> float truncates toward zero",
    nodes: [node("Cast", ["x"], ["i"], [int("to", 7)]), node("Cast", ["i"], ["y"], [int("to", 1)])],
    inputs: { x: { shape: [4, 6], scale: 5 } },
  },
  {
    label: "Dropout at inference is the identity",
    nodes: [node("Dropout", ["x", "ratio"], ["y"])],
    inputs: { x: { shape: [3, 5] } },
    initializers: [{ name: "ratio", dataType: 1, dims: [], data: Float32Array.of(0.3) }],
  },
];

async function runBoth(c: Case, seed: number): Promise<void> {
  const inputs: Record<string, Tensor> = {};
  let s = seed;
  for (const [name, spec] of Object.entries(c.inputs)) {
    const t = randomTensor(spec.shape, s++, spec.scale ?? 1);
    if (spec.offset) for (let i = 0; i < t.data.length; i++) t.data[i] = (t.data[i] as number) + spec.offset;
    inputs[name] = t;
  }
  const bytes = encodeModel(
    createModel({
      opset: c.opset ?? 13,
      nodes: c.nodes,
      inputs: Object.entries(c.inputs).map(([name, spec]) => ({ name, shape: spec.shape })),
      outputs: (c.outputs ?? ["y"]).map((name) => ({ name })),
      initializers: c.initializers ?? [],
    }),
  );
  const exact = await runOnnx(bytes, inputs, { mode: "exact" });
  const ort = await runOnnx(bytes, inputs, { mode: "tolerant" });
  const verdict = compareOutputs(exact, ort, { abs: 1e-5, rel: 1e-5 });
  assert.ok(verdict.ok, `${c.label}: ${JSON.stringify({ ...verdict, firstMismatch: verdict.firstMismatch })}`);
  assert.ok(verdict.compared > 0);
}

describe("exact-mode ops agree with onnxruntime-node within 1e-5", () => {
  for (const c of CASES) it(c.label, () => runBoth(c, 7));

  it("covers every op in the exact table", () => {
    const tested = new Set(CASES.flatMap((c) => c.nodes.map((n) => n.opType)));
    assert.deepEqual(Object.keys(EXACT_OPS).filter((op) => !tested.has(op)), []);
  });
});
