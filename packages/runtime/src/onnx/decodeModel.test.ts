import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createModel } from "./createModel.js";
import { decodeModel } from "./decodeModel.js";
import { encodeModel } from "./encodeModel.js";
import { OnnxError } from "./errors.js";
import { modelProtoType } from "./schema.js";
import { floatInit, int64Init, node, randomTensor } from "./testing.js";
import type { OnnxModel } from "./types.js";

function sampleModel(): OnnxModel {
  const w = randomTensor([3, 4], 1);
  // Values that stress float handling: -0, subnormal, huge, NaN, infinity.
  w.data.set([-0, 1e-45, 3.4e38, Number.NaN, Number.POSITIVE_INFINITY], 0);
  return createModel({
    opset: 13,
    nodes: [
      node("Gemm", ["x", "w", "b"], ["h"], [
        { name: "alpha", type: "float", value: 0.5 },
        { name: "transB", type: "int", value: 1 },
      ]),
      node("Reshape", ["h", "shape"], ["y"], [{ name: "allowzero", type: "int", value: 0 }], ""),
      node("Custom", ["y"], ["z"], [
        { name: "mode", type: "string", value: "größe" },
        { name: "fs", type: "floats", value: [1.5, -2.25] },
        // 2 ** 63 and -(2 ** 63) stand for the INT64_MAX / INT64_MIN sentinels (e.g. Slice ends).
        { name: "is", type: "ints", value: [-1, 0, 2 ** 40, 2 ** 63, -(2 ** 63)] },
        { name: "ss", type: "strings", value: ["a", ""] },
        { name: "t", type: "tensor", value: int64Init("", [7, -7]) },
      ]),
    ],
    inputs: [{ name: "x", shape: ["batch", 4] }],
    outputs: [{ name: "z", shape: ["batch", ""] }, { name: "y" }],
    initializers: [
      floatInit("w", w),
      floatInit("b", randomTensor([3], 2)),
      int64Init("shape", [-1, 3]),
      { name: "i32", dataType: 6, dims: [2, 1], data: Int32Array.of(-5, 2 ** 31 - 1) },
      { name: "f64", dataType: 11, dims: [2], data: Float64Array.of(Math.PI, -1e300) },
      { name: "u8", dataType: 2, dims: [3], data: Uint8Array.of(0, 128, 255) },
      { name: "scalar", dataType: 1, dims: [], data: Float32Array.of(2.5) },
    ],
  });
}

describe("decodeModel / encodeModel", () => {
  it("round-trips every field we model, with raw_data and with float_data storage", () => {
    const model = sampleModel();
    for (const floatStorage of ["raw_data", "float_data"] as const) {
      const bytes = encodeModel(model, { floatStorage });
      const back = decodeModel(bytes);
      assert.deepEqual(back, model);
      // Re-encoding the decoded model is byte-stable.
      assert.deepEqual(encodeModel(back, { floatStorage }), bytes);
    }
  });

  it("keeps float bits exactly (NaN, -0, subnormals) through raw_data and float_data", () => {
    const model = sampleModel();
    const w = model.graph.initializer[0]?.data as Float32Array;
    for (const floatStorage of ["raw_data", "float_data"] as const) {
      const back = decodeModel(encodeModel(model, { floatStorage })).graph.initializer[0]?.data as Float32Array;
      assert.deepEqual(new Uint32Array(back.buffer), new Uint32Array(w.buffer));
    }
  });

  it("writes the official field numbers (checked against hand-encoded protobuf)", () => {
    const model = createModel({
      opset: 13,
      nodes: [node("Relu", ["x"], ["y"], [], "r")],
      inputs: [{ name: "x", shape: [2] }],
      outputs: [{ name: "y" }],
    });
    const hex = Buffer.from(encodeModel(model)).toString("hex");
    // ModelProto.ir_version = 7 is field 1 varint: 08 07.
    assert.ok(hex.startsWith("0807"), hex);
    // NodeProto: input "x" (field 1, 0a 01 78), output "y" (field 2, 12 01 79), name "r" (field 3, 1a 01 72),
    // op_type "Relu" (field 4, 22 04 52656c75).
    assert.ok(hex.includes("0a0178120179" + "1a0172" + "220452656c75"), hex);
    // opset_import (ModelProto field 8) holding domain "" (field 1: 0a 00) and version 13 (field 2: 10 0d).
    assert.ok(hex.endsWith("42040a00100d"), hex);
    // GraphProto (field 7) input "x" (field 11: 5a), output "y" (field 12: 62).
    assert.ok(hex.includes("5a0f0a0178") && hex.includes("62090a0179"), hex);
  });

  it("decodes unpacked and packed repeated fields alike", () => {
    const type = modelProtoType();
    const base = { irVersion: 7, opsetImport: [{ version: 13 }] };
    // float_data as written by protobufjs is packed; build a float_data tensor by hand unpacked:
    // TensorProto{dims:[2] (08 02), data_type:1 (10 01), float_data 1.0 and 2.0 unpacked (25 0000803f 25 00000040)}.
    const tensor = Buffer.from("0802" + "1001" + "250000803f" + "2500000040" + "4201" + "77", "hex");
    const graph = Buffer.concat([Buffer.from([0x2a, tensor.length]), tensor]);
    const head = type.encode(type.fromObject(base)).finish();
    const bytes = Buffer.concat([head, Buffer.from([0x3a, graph.length]), graph]);
    const decoded = decodeModel(bytes);
    assert.deepEqual(decoded.graph.initializer[0], { name: "w", dataType: 1, dims: [2], data: Float32Array.of(1, 2) });
  });

  describe("malformed bytes give a clear OnnxError", () => {
    const valid = encodeModel(sampleModel());
    const cases: [string, Uint8Array, RegExp][] = [
      ["empty", new Uint8Array(0), /empty/],
      ["truncated", valid.subarray(0, valid.length - 7), /malformed ONNX model: not a valid ModelProto/],
      ["a text file", new TextEncoder().encode("this is not an onnx file\n"), /malformed ONNX model/],
      ["a protobuf without graph", Buffer.from("0807", "hex"), /has no graph/],
    ];
    for (const [label, bytes, pattern] of cases) {
      it(label, () => {
        assert.throws(() => decodeModel(bytes), (err: unknown) => err instanceof OnnxError && pattern.test(err.message));
      });
    }

    it("a tensor whose data does not match its dims", () => {
      const model = sampleModel();
      const bytes = encodeModel(model);
      const type = modelProtoType();
      const obj = type.toObject(type.decode(bytes)) as { graph: { initializer: { dims: unknown[] }[] } };
      (obj.graph.initializer[0] as { dims: unknown[] }).dims = [5, 4];
      const bad = type.encode(type.fromObject(obj)).finish();
      assert.throws(() => decodeModel(bad), /tensor 'w' has 12 values but dims \[5, 4\] need 20/);
    });

    it("a tensor stored in an external file", () => {
      const type = modelProtoType();
      const bad = type
        .encode(
          type.fromObject({
            irVersion: 7,
            opsetImport: [{ version: 13 }],
            graph: { initializer: [{ name: "w", dims: [2], dataType: 1, dataLocation: 1 }] },
          }),
        )
        .finish();
      assert.throws(() => decodeModel(bad), /tensor 'w' keeps its data in an external file/);
    });
  });
});

describe("decodeModel int64 range", () => {
  it("refuses int64 attribute values a double cannot hold, other than the sentinels", () => {
    const type = modelProtoType();
    const bytes = type
      .encode(
        type.fromObject({
          irVersion: 7,
          opsetImport: [{ version: 13 }],
          graph: { node: [{ opType: "Slice", attribute: [{ name: "ends", type: 7, ints: ["9007199254740993"] }] }] },
        }),
      )
      .finish();
    assert.throws(() => decodeModel(bytes), /attribute ends = 9007199254740993 is too large/);
  });
});
