import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createModel } from "./createModel.js";
import { decodeModel } from "./decodeModel.js";
import { encodeModel } from "./encodeModel.js";
import { OnnxError } from "./errors.js";
import { findUnsupportedNodes } from "./findUnsupportedNodes.js";
import { runOnnx } from "./runOnnx.js";
import { int64Init, node, randomTensor } from "./testing.js";
import type { OnnxNode } from "./types.js";

const model = (nodes: OnnxNode[], opset = 13) =>
  encodeModel(
    createModel({
      opset,
      nodes,
      inputs: [{ name: "x", shape: ["batch", 4] }],
      outputs: [{ name: "y" }],
      initializers: [int64Init("bad_shape", [7, 7])],
    }),
  );

describe("runOnnx exact mode", () => {
  it("names every unsupported op and its nodes in one error, before running anything", async () => {
    const bytes = model([
      // Would fail at run time (12 values cannot become 7x7): proves the check comes first.
      node("Reshape", ["x", "bad_shape"], ["r"], [], "reshape0"),
      node("Erfc", ["r"], ["e1"], [], "first_erfc"),
      node("Relu", ["e1"], ["a"], [], "relu"),
      node("Erfc", ["a"], ["e2"], [], ""),
      node("MaxPool", ["e2"], ["p"], [
        { name: "kernel_shape", type: "ints", value: [2, 2] },
        { name: "ceil_mode", type: "int", value: 1 },
      ], "pool"),
      { name: "custom", opType: "Relu", domain: "com.example", input: ["p"], output: ["y"], attribute: [] },
    ]);
    await assert.rejects(runOnnx(bytes, { x: randomTensor([3, 4], 1) }, { mode: "exact" }), (err: unknown) => {
      assert.ok(err instanceof OnnxError);
      assert.match(err.message, /unsupported: Erfc \(nodes 'first_erfc', 'Erfc->e2'\)/);
      assert.match(err.message, /MaxPool with ceil_mode=1 \(node 'pool'\)/);
      assert.match(err.message, /com\.example::Relu \(node 'custom'\)/);
      assert.doesNotMatch(err.message, /reshape0|'relu'/);
      return true;
    });
  });

  it("lists nothing for a supported model", () => {
    const m = decodeModel(model([node("Relu", ["x"], ["y"])]));
    assert.deepEqual(findUnsupportedNodes(m), []);
  });

  it("reports a Gelu whose approximation the engine does not compute", () => {
    const m = decodeModel(model([node("Gelu", ["x"], ["y"], [], "g")], 20));
    const found = findUnsupportedNodes(m);
    assert.equal(found.length, 1);
    assert.equal(found[0]?.opType, "Gelu");
    assert.match(found[0]?.reasons[0] ?? "", /approximate="none"/);
  });

  it("checks input names and declared shapes", async () => {
    const bytes = model([node("Relu", ["x"], ["y"])]);
    await assert.rejects(runOnnx(bytes, { z: randomTensor([1, 4], 1) }, { mode: "exact" }), /expects \[x\], got \[z\]/);
    await assert.rejects(
      runOnnx(bytes, { x: randomTensor([2, 5], 1) }, { mode: "exact" }),
      /input 'x' has shape \[2, 5\], the model declares \[batch, 4\]/,
    );
  });

  it("refuses a graph that reads a value before it is produced", async () => {
    const bytes = model([node("Relu", ["a"], ["y"], [], "late"), node("Relu", ["x"], ["a"], [], "early")]);
    await assert.rejects(runOnnx(bytes, { x: randomTensor([1, 4], 1) }, { mode: "exact" }), /node 'late' reads 'a'/);
  });

  it("refuses duplicate node names, as ONNX Runtime does", async () => {
    const bytes = model([node("Relu", ["x"], ["a"], [], "same"), node("Relu", ["a"], ["y"], [], "same")]);
    await assert.rejects(runOnnx(bytes, { x: randomTensor([1, 4], 1) }, { mode: "exact" }), /two nodes are named 'same'/);
  });

  it("ignores initializers of other types unless a node reads them", async () => {
    const withBool = (nodes: OnnxNode[]) =>
      encodeModel(
        createModel({
          opset: 13,
          nodes,
          inputs: [{ name: "x", shape: [1, 4] }],
          outputs: [{ name: "y" }],
          initializers: [{ name: "flag", dataType: 9, dims: [1], data: Uint8Array.of(1) }],
        }),
      );
    const x = randomTensor([1, 4], 3);
    const out = await runOnnx(withBool([node("Relu", ["x"], ["y"])]), { x }, { mode: "exact" });
    assert.deepEqual(out.y?.data, x.data.map((v) => Math.max(v, 0)));
    await assert.rejects(
      runOnnx(withBool([node("Add", ["x", "flag"], ["y"], [], "add")]), { x }, { mode: "exact" }),
      /node 'add' reads initializer 'flag' of data type 9/,
    );
  });

  it("turns a run-time shape error into an error naming the node", async () => {
    const bytes = model([node("Reshape", ["x", "bad_shape"], ["y"], [], "reshape0")]);
    await assert.rejects(
      runOnnx(bytes, { x: randomTensor([3, 4], 1) }, { mode: "exact" }),
      (err: unknown) => err instanceof OnnxError && /node 'reshape0' \(Reshape\): cannot reshape/.test(err.message),
    );
  });

  it("gives the same bits on repeated runs", async () => {
    const bytes = model([node("Softmax", ["x"], ["y"])]);
    const x = randomTensor([5, 4], 9, 10);
    const a = await runOnnx(bytes, { x }, { mode: "exact" });
    const b = await runOnnx(bytes, { x }, { mode: "exact" });
    assert.deepEqual(a, b);
  });

  it("rejects malformed bytes with a clear error", async () => {
    await assert.rejects(
      runOnnx(new Uint8Array([0x0a, 0xff, 0xff]), { x: randomTensor([1, 4], 1) }, { mode: "exact" }),
      (err: unknown) => err instanceof OnnxError && /malformed ONNX model/.test(err.message),
    );
  });
});
