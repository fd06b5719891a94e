/**
 * Bytes -> `OnnxModel`. Every failure becomes an `OnnxError` that says what is wrong with the
 * file, because model bytes come from job specs written by strangers.
 */
import { OnnxError } from "./errors.js";
import { modelProtoType } from "./schema.js";
import {
  DataType,
  type OnnxAttribute,
  type OnnxGraph,
  type OnnxModel,
  type OnnxNode,
  type OnnxTensor,
  type OnnxValueInfo,
  type TensorData,
} from "./types.js";

// Raw tensor bytes are little-endian by the ONNX spec; typed arrays use host order.
const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** What protobufjs' `toObject({ longs: String, arrays: true })` gives us; everything is optional. */
// biome-ignore lint/suspicious/noExplicitAny: untyped protobufjs output, narrowed field by field below
type Msg = any;

/**
 * Decodes an ONNX `ModelProto`.
 * @example
 * const model = decodeModel(readFileSync("mlp.onnx"));
 * console.log(model.graph.node.map((n) => n.opType));
 */
export function decodeModel(bytes: Uint8Array): OnnxModel {
  if (!(bytes instanceof Uint8Array) || bytes.length === 0) {
    throw new OnnxError("malformed ONNX model: the byte string is empty");
  }
  let obj: Msg;
  try {
    const type = modelProtoType();
    obj = type.toObject(type.decode(bytes), { longs: String, arrays: true });
  } catch (cause) {
    throw new OnnxError(`malformed ONNX model: not a valid ModelProto protobuf (${(cause as Error).message})`, {
      cause,
    });
  }
  if (!obj.graph) throw new OnnxError("malformed ONNX model: it has no graph");
  const opsetImport = (obj.opsetImport as Msg[]).map((o) => ({
    domain: o.domain ?? "",
    version: toInt(o.version ?? "0", "opset_import.version"),
  }));
  if (opsetImport.length === 0) throw new OnnxError("malformed ONNX model: it imports no operator set");
  return {
    irVersion: toInt(obj.irVersion ?? "0", "ir_version"),
    opsetImport,
    producerName: obj.producerName ?? "",
    producerVersion: obj.producerVersion ?? "",
    graph: decodeGraph(obj.graph),
  };
}

function decodeGraph(g: Msg): OnnxGraph {
  return {
    name: g.name ?? "",
    node: (g.node as Msg[]).map(decodeNode),
    initializer: (g.initializer as Msg[]).map(decodeTensor),
    input: (g.input as Msg[]).map(decodeValueInfo),
    output: (g.output as Msg[]).map(decodeValueInfo),
    valueInfo: (g.valueInfo as Msg[]).map(decodeValueInfo),
  };
}

function decodeNode(n: Msg, index: number): OnnxNode {
  const opType: string = n.opType ?? "";
  if (opType === "") throw new OnnxError(`malformed ONNX model: node #${index} has no op_type`);
  return {
    name: n.name ?? "",
    opType,
    domain: n.domain ?? "",
    input: n.input,
    output: n.output,
    attribute: (n.attribute as Msg[]).map(decodeAttribute),
  };
}

const utf8 = new TextDecoder();

function decodeAttribute(a: Msg): OnnxAttribute {
  const name: string = a.name ?? "";
  switch (a.type ?? 0) {
    case 1:
      return { name, type: "float", value: a.f ?? 0 };
    case 2:
      return { name, type: "int", value: toInt(a.i ?? "0", `attribute ${name}`) };
    case 3:
      return { name, type: "string", value: utf8.decode(a.s ?? new Uint8Array()) };
    case 4:
      if (!a.t) throw new OnnxError(`malformed ONNX model: tensor attribute '${name}' has no tensor`);
      return { name, type: "tensor", value: decodeTensor(a.t) };
    case 6:
      return { name, type: "floats", value: a.floats };
    case 7:
      return { name, type: "ints", value: (a.ints as string[]).map((v) => toInt(v, `attribute ${name}`)) };
    case 8:
      return { name, type: "strings", value: (a.strings as Uint8Array[]).map((s) => utf8.decode(s)) };
    case 0:
      throw new OnnxError(`malformed ONNX model: attribute '${name}' has no type (IR version 1 files are not supported)`);
    default:
      return { name, type: "unsupported", value: a.type };
  }
}

function decodeValueInfo(v: Msg): OnnxValueInfo {
  const tensorType = v.type?.tensorType;
  const info: OnnxValueInfo = { name: v.name ?? "", elemType: tensorType?.elemType ?? 0 };
  if (tensorType?.shape) {
    info.shape = (tensorType.shape.dim as Msg[]).map((d) =>
      d.dimValue !== undefined ? toInt(d.dimValue, `shape of ${info.name}`) : (d.dimParam ?? ""),
    );
  }
  return info;
}

function decodeTensor(t: Msg): OnnxTensor {
  const name: string = t.name ?? "";
  if (t.dataLocation === 1) {
    throw new OnnxError(
      `tensor '${name}' keeps its data in an external file; save the model with the data embedded`,
      { details: { tensor: name } },
    );
  }
  const dims = (t.dims as string[]).map((d) => {
    const n = toInt(d, `dims of tensor ${name}`);
    if (n < 0) throw new OnnxError(`malformed ONNX model: tensor '${name}' has a negative dimension ${n}`);
    return n;
  });
  const count = dims.reduce((p, d) => p * d, 1);
  const dataType: number = t.dataType ?? 0;
  const raw: Uint8Array | undefined = t.rawData && t.rawData.length > 0 ? t.rawData : undefined;
  let data: TensorData;
  switch (dataType) {
    case DataType.FLOAT:
      data = raw ? fromRaw(raw, Float32Array, name) : Float32Array.from(t.floatData as number[]);
      break;
    case DataType.DOUBLE:
      data = raw ? fromRaw(raw, Float64Array, name) : Float64Array.from(t.doubleData as number[]);
      break;
    case DataType.INT32:
      data = raw ? fromRaw(raw, Int32Array, name) : Int32Array.from(t.int32Data as number[]);
      break;
    case DataType.INT64:
      data = raw
        ? fromRaw(raw, BigInt64Array, name)
        : BigInt64Array.from((t.int64Data as string[]).map((v) => BigInt(v)));
      break;
    case DataType.UINT8:
    case DataType.BOOL:
      data = raw ? Uint8Array.from(raw) : Uint8Array.from(t.int32Data as number[]);
      break;
    case DataType.INT8:
      data = raw ? new Int8Array(Uint8Array.from(raw).buffer) : Int8Array.from(t.int32Data as number[]);
      break;
    default:
      throw new OnnxError(`tensor '${name}' has data type ${dataType}, which the runtime cannot hold`, {
        details: { tensor: name, dataType },
      });
  }
  if (data.length !== count) {
    throw new OnnxError(
      `malformed ONNX model: tensor '${name}' has ${data.length} values but dims [${dims.join(", ")}] need ${count}`,
      { details: { tensor: name } },
    );
  }
  return { name, dataType, dims, data };
}

type TypedArrayCtor<T> = { new (buffer: ArrayBuffer): T; BYTES_PER_ELEMENT: number };

function fromRaw<T>(raw: Uint8Array, ctor: TypedArrayCtor<T>, name: string): T {
  if (!HOST_IS_LITTLE_ENDIAN) throw new OnnxError("the ONNX layer needs a little-endian host");
  if (raw.length % ctor.BYTES_PER_ELEMENT !== 0) {
    throw new OnnxError(
      `malformed ONNX model: raw_data of tensor '${name}' is ${raw.length} bytes, not a multiple of ${ctor.BYTES_PER_ELEMENT}`,
    );
  }
  // Copy: protobufjs hands out views into the model buffer at arbitrary (unaligned) offsets.
  return new ctor(Uint8Array.from(raw).buffer);
}

/** int64 (as a decimal string) -> number; refuses values a double cannot hold exactly, except int64 extremes. */
function toInt(value: string, what: string): number {
  const n = Number(value);
  if (Number.isSafeInteger(n)) return n;
  // INT64_MAX / INT64_MIN are used as "to the end" sentinels (e.g. Slice); keep them as huge numbers.
  const big = BigInt(value);
  if (big === 9223372036854775807n || big === -9223372036854775808n) return n;
  throw new OnnxError(`malformed ONNX model: ${what} = ${value} is too large`);
}
