/**
 * Plain, typed views of the ONNX messages we use. Decoding turns protobuf messages into these
 * (int64 scalars become numbers, tensor payloads become typed arrays), and encoding turns them back,
 * so the rest of the runtime never touches protobufjs or Long values.
 */

/** `TensorProto.DataType` values the runtime can hold in memory. */
export const DataType = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  INT32: 6,
  INT64: 7,
  BOOL: 9,
  DOUBLE: 11,
} as const;

export type TensorData = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array | Int8Array;

export interface OnnxTensor {
  name: string;
  /** A `DataType` value; it decides which typed array `data` is. */
  dataType: number;
  dims: number[];
  /** Row-major elements, `product(dims)` of them. */
  data: TensorData;
}

export type OnnxAttribute = { name: string } & (
  | { type: "float"; value: number }
  | { type: "int"; value: number }
  | { type: "string"; value: string }
  | { type: "tensor"; value: OnnxTensor }
  | { type: "floats"; value: number[] }
  | { type: "ints"; value: number[] }
  | { type: "strings"; value: string[] }
  /** Graphs, sparse tensors, type protos: kept by kind only so unsupported ops can still be reported. */
  | { type: "unsupported"; value: number }
);

export interface OnnxNode {
  name: string;
  opType: string;
  /** "" (or "ai.onnx") is the standard operator set. */
  domain: string;
  input: string[];
  output: string[];
  attribute: OnnxAttribute[];
}

/** A dimension is a size, a symbolic name such as "batch", or "" when unknown. */
export type OnnxDim = number | string;

export interface OnnxValueInfo {
  name: string;
  elemType: number;
  /** Absent when the model states no shape at all. */
  shape?: OnnxDim[];
}

export interface OnnxGraph {
  name: string;
  node: OnnxNode[];
  initializer: OnnxTensor[];
  input: OnnxValueInfo[];
  output: OnnxValueInfo[];
  valueInfo: OnnxValueInfo[];
}

export interface OnnxOpsetId {
  domain: string;
  version: number;
}

export interface OnnxModel {
  irVersion: number;
  opsetImport: OnnxOpsetId[];
  producerName: string;
  producerVersion: string;
  graph: OnnxGraph;
}
