/**
 * `OnnxModel` -> bytes, the inverse of `decodeModel`. Output is deterministic (same model, same
 * bytes), so an exported model has a stable hash that job specs can pin.
 */
import { OnnxError } from "./errors.js";
import { modelProtoType } from "./schema.js";
import { DataType, type OnnxAttribute, type OnnxGraph, type OnnxModel, type OnnxTensor, type OnnxValueInfo } from "./types.js";

export interface EncodeModelOptions {
  /** Where float tensors go: `raw_data` bytes (default, compact) or the `float_data` list. */
  floatStorage?: "raw_data" | "float_data";
}

/**
 * Encodes a model to ONNX protobuf bytes.
 * @example
 * const bytes = encodeModel(decodeModel(readFileSync("mlp.onnx")));
 */
export function encodeModel(model: OnnxModel, options: EncodeModelOptions = {}): Uint8Array {
  const storage = options.floatStorage ?? "raw_data";
  const type = modelProtoType();
  const message = type.fromObject({
    irVersion: model.irVersion,
    producerName: model.producerName,
    producerVersion: model.producerVersion,
    graph: encodeGraph(model.graph, storage),
    opsetImport: model.opsetImport.map((o) => ({ domain: o.domain, version: o.version })),
  });
  return type.encode(message).finish();
}

function encodeGraph(g: OnnxGraph, storage: "raw_data" | "float_data"): object {
  return {
    name: g.name,
    node: g.node.map((n) => ({
      name: n.name,
      opType: n.opType,
      domain: n.domain,
      input: n.input,
      output: n.output,
      attribute: n.attribute.map((a) => encodeAttribute(a, storage)),
    })),
    initializer: g.initializer.map((t) => encodeTensor(t, storage)),
    input: g.input.map(encodeValueInfo),
    output: g.output.map(encodeValueInfo),
    valueInfo: g.valueInfo.map(encodeValueInfo),
  };
}

const utf8 = new TextEncoder();

function encodeAttribute(a: OnnxAttribute, storage: "raw_data" | "float_data"): object {
  switch (a.type) {
    case "float":
      return { name: a.name, type: 1, f: a.value };
    case "int":
      return { name: a.name, type: 2, i: a.value };
    case "string":
      return { name: a.name, type: 3, s: utf8.encode(a.value) };
    case "tensor":
      return { name: a.name, type: 4, t: encodeTensor(a.value, storage) };
    case "floats":
      return { name: a.name, type: 6, floats: a.value };
    case "ints":
      return { name: a.name, type: 7, ints: a.value };
    case "strings":
      return { name: a.name, type: 8, strings: a.value.map((s) => utf8.encode(s)) };
    case "unsupported":
      throw new OnnxError(`cannot encode attribute '${a.name}' of ONNX attribute type ${a.value}`);
  }
}

function encodeValueInfo(v: OnnxValueInfo): object {
  const tensorType: Record<string, unknown> = { elemType: v.elemType };
  if (v.shape) {
    tensorType.shape = {
      dim: v.shape.map((d) => (typeof d === "number" ? { dimValue: d } : d === "" ? {} : { dimParam: d })),
    };
  }
  return { name: v.name, type: { tensorType } };
}

function encodeTensor(t: OnnxTensor, storage: "raw_data" | "float_data"): object {
  const count = t.dims.reduce((p, d) => p * d, 1);
  if (t.data.length !== count) {
    throw new OnnxError(`tensor '${t.name}' has ${t.data.length} values but dims [${t.dims.join(", ")}] need ${count}`);
  }
  const base = { name: t.name, dims: t.dims, dataType: t.dataType };
  if (t.dataType === DataType.FLOAT && storage === "float_data") {
    return { ...base, floatData: Array.from(t.data as Float32Array) };
  }
  const expected = EXPECTED_ARRAY[t.dataType];
  if (!expected || !(t.data instanceof expected)) {
    throw new OnnxError(`tensor '${t.name}': data type ${t.dataType} does not match its ${t.data.constructor.name}`);
  }
  // Typed arrays are host order; the little-endian check lives in decodeModel, which every test runs.
  return { ...base, rawData: new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength) };
}

const EXPECTED_ARRAY: Record<number, abstract new (...args: never) => unknown> = {
  [DataType.FLOAT]: Float32Array,
  [DataType.DOUBLE]: Float64Array,
  [DataType.INT32]: Int32Array,
  [DataType.INT64]: BigInt64Array,
  [DataType.UINT8]: Uint8Array,
  [DataType.BOOL]: Uint8Array,
  [DataType.INT8]: Int8Array,
};
