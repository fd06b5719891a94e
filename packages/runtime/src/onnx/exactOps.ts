/**
 * The exact-mode operator table. Every float computation goes through the deterministic engine
 * (src/engine), so an ONNX model run here gives the same bits on every node. This file does no
 * float arithmetic itself: it moves data (shapes, gathers, concatenation of shape vectors) and
 * converts between int64 and float32 in Cast, which is exact or correctly rounded by definition.
 *
 * Each op has an optional static `check`, run over the whole graph before anything executes, so
 * that a job is refused up front with every problem listed, rather than failing half-way through.
 */
import * as engine from "../engine/index.js";
import type { Tensor } from "../engine/index.js";
import { getAttribute, nodeLabel } from "./attributes.js";
import { OnnxError } from "./errors.js";
import { DataType, type OnnxNode, type OnnxTensor } from "./types.js";

/** Interpreter values: float32 tensors (everything numeric) or int64 tensors (shapes). */
export type Value = { kind: "float"; tensor: Tensor } | { kind: "int"; shape: number[]; data: BigInt64Array };

export interface OpContext {
  /** Version of the "ai.onnx" operator set the model imports. */
  opset: number;
}

export interface OpDef {
  /** Returns why this node cannot run in exact mode, or undefined when it can. */
  check?(node: OnnxNode, ctx: OpContext): string | undefined;
  run(node: OnnxNode, inputs: (Value | undefined)[], ctx: OpContext): Value[];
}

const float = (tensor: Tensor): Value[] => [{ kind: "float", tensor }];

export const EXACT_OPS: Record<string, OpDef> = {
  Identity: { run: (_n, ins) => [required(_n, ins, 0)] },
  Constant: { check: checkConstant, run: runConstant },

  Add: { run: (n, ins) => float(engine.add(floatIn(n, ins, 0), floatIn(n, ins, 1))) },
  Mul: { run: (n, ins) => float(engine.mul(floatIn(n, ins, 0), floatIn(n, ins, 1))) },
  Sub: { run: (n, ins) => float(engine.sub(floatIn(n, ins, 0), floatIn(n, ins, 1))) },
  Div: { run: (n, ins) => float(engine.div(floatIn(n, ins, 0), floatIn(n, ins, 1))) },

  Relu: { run: (n, ins) => float(engine.relu(floatIn(n, ins, 0))) },
  Sigmoid: { run: (n, ins) => float(engine.sigmoid(floatIn(n, ins, 0))) },
  Tanh: { run: (n, ins) => float(engine.tanh(floatIn(n, ins, 0))) },
  Gelu: {
    check: (n) => {
      const approximate = getAttribute(n, "approximate", "string") ?? "none";
      return approximate === ENGINE_GELU ? undefined : `approximate="${approximate}" (the engine computes "${ENGINE_GELU}")`;
    },
    run: (n, ins) => float(engine.gelu(floatIn(n, ins, 0))),
  },
  Softmax: { run: runSoftmax },

  // The engine's matmul and gemm implement the ONNX semantics (batch broadcast, 1-D promotion, C broadcast).
  MatMul: { run: (n, ins) => float(engine.matmul(floatIn(n, ins, 0), floatIn(n, ins, 1))) },
  Gemm: { run: runGemm },
  Conv: { check: checkConv, run: runConv },
  MaxPool: { check: checkPool, run: (n, ins) => float(runPool(n, floatIn(n, ins, 0), "max")) },
  AveragePool: { check: checkPool, run: (n, ins) => float(runPool(n, floatIn(n, ins, 0), "avg")) },
  GlobalAveragePool: { run: (n, ins) => float(globalPool(n, floatIn(n, ins, 0), "avg")) },
  GlobalMaxPool: { run: (n, ins) => float(globalPool(n, floatIn(n, ins, 0), "max")) },
  LayerNormalization: { check: checkLayerNorm, run: runLayerNorm },

  Flatten: { run: runFlatten },
  Reshape: { run: runReshape },
  Transpose: {
    run: (n, ins) => {
      const x = floatIn(n, ins, 0);
      const perm = getAttribute(n, "perm", "ints") ?? x.shape.map((_, i) => x.shape.length - 1 - i);
      if (perm.length !== x.shape.length || [...perm].sort((a, b) => a - b).some((p, i) => p !== i)) {
        throw nodeError(n, `perm [${perm.join(", ")}] is not a permutation of ${x.shape.length} axes`);
      }
      return float(engine.transpose(x, perm));
    },
  },
  Concat: { run: runConcat },

  // Shape plumbing as exporters such as PyTorch emit it (Shape -> Gather -> Unsqueeze -> Concat ->
  // Reshape), plus Gather on floats (embedding lookup). All pure data movement.
  Shape: { run: runShape },
  Gather: { run: runGather },
  Unsqueeze: { run: (n, ins, ctx) => [withShape(required(n, ins, 0), unsqueezeShape(n, ins, ctx))] },
  Squeeze: { run: (n, ins, ctx) => [withShape(required(n, ins, 0), squeezeShape(n, ins, ctx))] },
  Cast: {
    check: (n) => {
      const to = getAttribute(n, "to", "int");
      return to === DataType.FLOAT || to === DataType.INT64 ? undefined : `to=${to} (only float32 and int64)`;
    },
    run: runCast,
  },
  Dropout: {
    // Inference: Dropout is the identity. Training mode or the mask output would need randomness.
    check: (n) =>
      (n.input[2] ?? "") !== "" ? "a training_mode input" : (n.output[1] ?? "") !== "" ? "the mask output" : undefined,
    run: (n, ins) => [required(n, ins, 0)],
  },
};

/**
 * Which GELU the engine implements. ONNX Gelu (opset 20) defaults to the erf form; a model asking
 * for the other form is refused rather than silently computed differently.
 */
const ENGINE_GELU: "none" | "tanh" = "tanh";

// ---------------------------------------------------------------- inputs

function required(node: OnnxNode, inputs: (Value | undefined)[], i: number): Value {
  const v = inputs[i];
  if (!v) throw nodeError(node, `input #${i} is required`);
  return v;
}

function floatIn(node: OnnxNode, inputs: (Value | undefined)[], i: number): Tensor {
  const v = required(node, inputs, i);
  if (v.kind !== "float") throw nodeError(node, `input #${i} ('${node.input[i]}') must be float32, it is int64`);
  return v.tensor;
}

function intIn(node: OnnxNode, inputs: (Value | undefined)[], i: number): number[] {
  const v = required(node, inputs, i);
  if (v.kind !== "int") throw nodeError(node, `input #${i} ('${node.input[i]}') must be int64, it is float32`);
  return Array.from(v.data, Number);
}

export function nodeError(node: OnnxNode, message: string): OnnxError {
  return new OnnxError(`node '${nodeLabel(node)}' (${node.opType}): ${message}`, { details: { node: node.name } });
}

function normalizeAxis(node: OnnxNode, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) throw nodeError(node, `axis ${axis} is out of range for rank ${rank}`);
  return a;
}

const product = (xs: number[]): number => xs.reduce((p, d) => p * d, 1);

// ---------------------------------------------------------------- constants

/** Converts a decoded initializer or constant into an interpreter value (float32, int64 or int32 widened). */
export function valueFromOnnxTensor(t: OnnxTensor): Value {
  if (t.dataType === DataType.FLOAT) return { kind: "float", tensor: { shape: [...t.dims], data: t.data as Float32Array } };
  if (t.dataType === DataType.INT64) return { kind: "int", shape: [...t.dims], data: t.data as BigInt64Array };
  if (t.dataType === DataType.INT32) {
    return { kind: "int", shape: [...t.dims], data: BigInt64Array.from(t.data as Int32Array, (v) => BigInt(v)) };
  }
  throw new OnnxError(
    `tensor '${t.name}' has data type ${t.dataType}; exact mode holds only float32 and int64 (int32 widened) tensors`,
    { details: { tensor: t.name } },
  );
}

function checkConstant(node: OnnxNode): string | undefined {
  const known = ["value", "value_float", "value_floats", "value_int", "value_ints"];
  const other = node.attribute.find((a) => !known.includes(a.name));
  if (other) return `attribute '${other.name}'`;
  const t = getAttribute(node, "value", "tensor");
  const holdable: number[] = [DataType.FLOAT, DataType.INT64, DataType.INT32];
  if (t && !holdable.includes(t.dataType)) return `a constant of data type ${t.dataType}`;
  return undefined;
}

function runConstant(node: OnnxNode): Value[] {
  const t = getAttribute(node, "value", "tensor");
  if (t) return [valueFromOnnxTensor(t)];
  const f = getAttribute(node, "value_float", "float");
  if (f !== undefined) return float({ shape: [], data: Float32Array.of(f) });
  const fs = getAttribute(node, "value_floats", "floats");
  if (fs) return float({ shape: [fs.length], data: Float32Array.from(fs) });
  const i = getAttribute(node, "value_int", "int");
  if (i !== undefined) return [{ kind: "int", shape: [], data: BigInt64Array.of(BigInt(i)) }];
  const is = getAttribute(node, "value_ints", "ints");
  if (is) return [{ kind: "int", shape: [is.length], data: BigInt64Array.from(is, (v) => BigInt(v)) }];
  throw nodeError(node, "Constant has no value attribute");
}

// ---------------------------------------------------------------- softmax

function runSoftmax(node: OnnxNode, inputs: (Value | undefined)[], ctx: OpContext): Value[] {
  const x = floatIn(node, inputs, 0);
  const rank = x.shape.length;
  if (ctx.opset >= 13) {
    return float(engine.softmax(x, normalizeAxis(node, getAttribute(node, "axis", "int") ?? -1, rank)));
  }
  // Before opset 13 Softmax flattened the input to 2-D at `axis` and normalised each row.
  const axis = normalizeAxis(node, getAttribute(node, "axis", "int") ?? 1, rank);
  const flat = engine.reshape(x, [product(x.shape.slice(0, axis)), product(x.shape.slice(axis))]);
  return float(engine.reshape(engine.softmax(flat, 1), x.shape));
}

// ---------------------------------------------------------------- matmul / gemm

function runGemm(node: OnnxNode, inputs: (Value | undefined)[]): Value[] {
  const a = floatIn(node, inputs, 0);
  const b = floatIn(node, inputs, 1);
  const c = inputs[2] ? floatIn(node, inputs, 2) : undefined;
  return float(
    engine.gemm(a, b, c, {
      transA: (getAttribute(node, "transA", "int") ?? 0) !== 0,
      transB: (getAttribute(node, "transB", "int") ?? 0) !== 0,
      alpha: getAttribute(node, "alpha", "float") ?? 1,
      beta: getAttribute(node, "beta", "float") ?? 1,
    }),
  );
}

// ---------------------------------------------------------------- conv / pooling

type Pads = [number, number, number, number];

function checkSpatial(node: OnnxNode, names: string[]): string | undefined {
  for (const name of names) {
    const v = getAttribute(node, name, "ints");
    if (v && v.length !== (name === "pads" ? 4 : 2)) return `${name} of length ${v.length} (only 2-D is supported)`;
  }
  const autoPad = getAttribute(node, "auto_pad", "string") ?? "NOTSET";
  if (!["NOTSET", "VALID", "SAME_UPPER", "SAME_LOWER"].includes(autoPad)) return `auto_pad="${autoPad}"`;
  return undefined;
}

function checkConv(node: OnnxNode): string | undefined {
  return checkSpatial(node, ["kernel_shape", "strides", "pads", "dilations"]);
}

function checkPool(node: OnnxNode): string | undefined {
  if (node.output.length > 1 && node.output[1] !== "") return "the Indices output";
  if ((getAttribute(node, "ceil_mode", "int") ?? 0) !== 0) return "ceil_mode=1";
  const dilations = getAttribute(node, "dilations", "ints");
  if (dilations?.some((d) => d !== 1)) return "dilations other than 1";
  if (!getAttribute(node, "kernel_shape", "ints")) return "a missing kernel_shape";
  return checkSpatial(node, ["kernel_shape", "strides", "pads"]);
}

/** Resolves ONNX pads ([top, left, bottom, right]) including auto_pad. */
function resolvePads(node: OnnxNode, inHW: number[], kernel: number[], stride: number[], dilation: number[]): Pads {
  const autoPad = getAttribute(node, "auto_pad", "string") ?? "NOTSET";
  if (autoPad === "VALID") return [0, 0, 0, 0];
  if (autoPad === "NOTSET") {
    const pads = getAttribute(node, "pads", "ints") ?? [0, 0, 0, 0];
    if (pads.some((p) => p < 0)) throw nodeError(node, "negative pads are not supported");
    return pads as Pads;
  }
  const begin: number[] = [];
  const end: number[] = [];
  for (let i = 0; i < 2; i++) {
    const size = inHW[i] as number;
    const s = stride[i] as number;
    const out = Math.ceil(size / s);
    const total = Math.max(0, (out - 1) * s + ((kernel[i] as number) - 1) * (dilation[i] as number) + 1 - size);
    const small = Math.floor(total / 2);
    begin.push(autoPad === "SAME_UPPER" ? small : total - small);
    end.push(autoPad === "SAME_UPPER" ? total - small : small);
  }
  return [begin[0], begin[1], end[0], end[1]] as Pads;
}

function runConv(node: OnnxNode, inputs: (Value | undefined)[]): Value[] {
  const x = floatIn(node, inputs, 0);
  const w = floatIn(node, inputs, 1);
  const b = inputs[2] ? floatIn(node, inputs, 2) : undefined;
  if (x.shape.length !== 4 || w.shape.length !== 4) throw nodeError(node, "only 2-D convolution (4-D X and W) is supported");
  const kernel = w.shape.slice(2);
  const declared = getAttribute(node, "kernel_shape", "ints");
  if (declared && (declared[0] !== kernel[0] || declared[1] !== kernel[1])) {
    throw nodeError(node, `kernel_shape [${declared.join(", ")}] does not match W [${w.shape.join(", ")}]`);
  }
  const stride = (getAttribute(node, "strides", "ints") ?? [1, 1]) as [number, number];
  const dilations = (getAttribute(node, "dilations", "ints") ?? [1, 1]) as [number, number];
  const pads = resolvePads(node, x.shape.slice(2), kernel, stride, dilations);
  const group = getAttribute(node, "group", "int") ?? 1;
  return float(engine.conv2d(x, w, b, { stride, pads, dilations, group }));
}

function runPool(node: OnnxNode, x: Tensor, kind: "max" | "avg"): Tensor {
  if (x.shape.length !== 4) throw nodeError(node, "only 2-D pooling (4-D input) is supported");
  const kernel = getAttribute(node, "kernel_shape", "ints") as [number, number];
  const stride = (getAttribute(node, "strides", "ints") ?? [1, 1]) as [number, number];
  const pads = resolvePads(node, x.shape.slice(2), kernel, stride, [1, 1]);
  if (kind === "max") return engine.maxPool2d(x, { kernel, stride, pads });
  const countIncludePad = (getAttribute(node, "count_include_pad", "int") ?? 0) !== 0;
  return engine.avgPool2d(x, { kernel, stride, pads, countIncludePad });
}

function globalPool(node: OnnxNode, x: Tensor, kind: "max" | "avg"): Tensor {
  if (x.shape.length !== 4) throw nodeError(node, "only 2-D pooling (4-D input) is supported");
  const opts = { kernel: [x.shape[2], x.shape[3]] as [number, number], stride: [1, 1] as [number, number], pads: [0, 0, 0, 0] as Pads };
  return kind === "max" ? engine.maxPool2d(x, opts) : engine.avgPool2d(x, opts);
}

// ---------------------------------------------------------------- layer norm

function checkLayerNorm(node: OnnxNode): string | undefined {
  if (node.output.slice(1).some((o) => o !== "")) return "the Mean / InvStdDev outputs";
  return undefined;
}

function runLayerNorm(node: OnnxNode, inputs: (Value | undefined)[]): Value[] {
  const x = floatIn(node, inputs, 0);
  const rank = x.shape.length;
  const axis = normalizeAxis(node, getAttribute(node, "axis", "int") ?? -1, rank);
  if (axis !== rank - 1) throw nodeError(node, "only normalisation over the last axis is supported");
  const d = x.shape[rank - 1] as number;
  const vector = (i: number): Tensor => {
    const t = floatIn(node, inputs, i);
    if (t.data.length !== d) throw nodeError(node, `input #${i} has shape [${t.shape.join(", ")}], expected [${d}]`);
    return engine.reshape(t, [d]);
  };
  const gamma = vector(1);
  const beta = inputs[2] ? vector(2) : { shape: [d], data: new Float32Array(d) };
  return float(engine.layerNorm(x, gamma, beta, getAttribute(node, "epsilon", "float") ?? 1e-5));
}

// ---------------------------------------------------------------- shape ops

function shapeOf(v: Value): number[] {
  return v.kind === "float" ? v.tensor.shape : v.shape;
}

/** Same elements, new shape (element count already checked by the caller's shape rule). */
function withShape(v: Value, shape: number[]): Value {
  return v.kind === "float" ? { kind: "float", tensor: engine.reshape(v.tensor, shape) } : { kind: "int", shape, data: v.data };
}

/** Axes from the attribute (before opset 13) or the optional second input (from 13). */
function axesOf(node: OnnxNode, inputs: (Value | undefined)[], ctx: OpContext): number[] | undefined {
  if (ctx.opset < 13) return getAttribute(node, "axes", "ints");
  return inputs[1] ? intIn(node, inputs, 1) : undefined;
}

function unsqueezeShape(node: OnnxNode, inputs: (Value | undefined)[], ctx: OpContext): number[] {
  const shape = shapeOf(required(node, inputs, 0));
  const axes = axesOf(node, inputs, ctx);
  if (!axes) throw nodeError(node, "Unsqueeze needs axes");
  const rank = shape.length + axes.length;
  const normalized = axes.map((a) => normalizeAxis(node, a, rank)).sort((a, b) => a - b);
  if (new Set(normalized).size !== normalized.length) throw nodeError(node, `repeated axes [${axes.join(", ")}]`);
  const out = [...shape];
  for (const a of normalized) out.splice(a, 0, 1);
  return out;
}

function squeezeShape(node: OnnxNode, inputs: (Value | undefined)[], ctx: OpContext): number[] {
  const shape = shapeOf(required(node, inputs, 0));
  const axes = axesOf(node, inputs, ctx);
  if (!axes) return shape.filter((d) => d !== 1);
  const drop = new Set(axes.map((a) => normalizeAxis(node, a, shape.length)));
  for (const a of drop) if (shape[a] !== 1) throw nodeError(node, `cannot squeeze axis ${a} of size ${shape[a]}`);
  return shape.filter((_, i) => !drop.has(i));
}

function runShape(node: OnnxNode, inputs: (Value | undefined)[]): Value[] {
  const shape = shapeOf(required(node, inputs, 0));
  const rank = shape.length;
  const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + rank : v, 0), rank);
  const start = clamp(getAttribute(node, "start", "int") ?? 0);
  const end = clamp(getAttribute(node, "end", "int") ?? rank);
  const dims = shape.slice(start, Math.max(start, end));
  return [{ kind: "int", shape: [dims.length], data: BigInt64Array.from(dims, (d) => BigInt(d)) }];
}

/** Copies `outer` blocks of `block` elements from each source in turn (Concat / Gather core). */
function gatherBlocks<T extends Float32Array | BigInt64Array>(
  out: T,
  pieces: { src: T; offset: number; length: number }[],
): T {
  let at = 0;
  for (const p of pieces) {
    out.set(p.src.subarray(p.offset, p.offset + p.length) as never, at);
    at += p.length;
  }
  return out;
}

function runConcat(node: OnnxNode, inputs: (Value | undefined)[]): Value[] {
  const xs = node.input.map((_, i) => required(node, inputs, i));
  const axisAttr = getAttribute(node, "axis", "int");
  if (axisAttr === undefined) throw nodeError(node, "Concat needs an axis attribute");
  const first = xs[0] as Value;
  const axis = normalizeAxis(node, axisAttr, shapeOf(first).length);
  if (xs.every((x) => x.kind === "float")) {
    return float(engine.concat(xs.map((x) => (x as { tensor: Tensor }).tensor), axis));
  }
  if (!xs.every((x) => x.kind === "int")) throw nodeError(node, "cannot concatenate float32 with int64 tensors");
  const ints = xs as { kind: "int"; shape: number[]; data: BigInt64Array }[];
  const base = first.kind === "int" ? first.shape : [];
  for (const x of ints) {
    if (x.shape.length !== base.length || x.shape.some((d, i) => i !== axis && d !== base[i])) {
      throw nodeError(node, `shapes [${base.join(", ")}] and [${x.shape.join(", ")}] differ off the concat axis`);
    }
  }
  const outer = product(base.slice(0, axis));
  const inner = product(base.slice(axis + 1));
  const pieces: { src: BigInt64Array; offset: number; length: number }[] = [];
  for (let o = 0; o < outer; o++) {
    for (const x of ints) {
      const length = (x.shape[axis] as number) * inner;
      pieces.push({ src: x.data, offset: o * length, length });
    }
  }
  const shape = [...base];
  shape[axis] = ints.reduce((sum, x) => sum + (x.shape[axis] as number), 0);
  return [{ kind: "int", shape, data: gatherBlocks(new BigInt64Array(product(shape)), pieces) }];
}

function runGather(node: OnnxNode, inputs: (Value | undefined)[]): Value[] {
  const data = required(node, inputs, 0);
  const indicesValue = required(node, inputs, 1);
  if (indicesValue.kind !== "int") throw nodeError(node, "indices must be int64");
  const shape = shapeOf(data);
  const axis = normalizeAxis(node, getAttribute(node, "axis", "int") ?? 0, shape.length);
  const size = shape[axis] as number;
  const outer = product(shape.slice(0, axis));
  const inner = product(shape.slice(axis + 1));
  const indices = Array.from(indicesValue.data, (v) => {
    const i = Number(v);
    if (i < -size || i >= size) throw nodeError(node, `index ${i} is out of range for axis ${axis} of size ${size}`);
    return i < 0 ? i + size : i;
  });
  const outShape = [...shape.slice(0, axis), ...indicesValue.shape, ...shape.slice(axis + 1)];
  const pieces = <T extends Float32Array | BigInt64Array>(src: T) => {
    const list: { src: T; offset: number; length: number }[] = [];
    for (let o = 0; o < outer; o++) for (const i of indices) list.push({ src, offset: (o * size + i) * inner, length: inner });
    return list;
  };
  if (data.kind === "float") {
    return float({ shape: outShape, data: gatherBlocks(new Float32Array(product(outShape)), pieces(data.tensor.data)) });
  }
  return [{ kind: "int", shape: outShape, data: gatherBlocks(new BigInt64Array(product(outShape)), pieces(data.data)) }];
}

function runCast(node: OnnxNode, inputs: (Value | undefined)[]): Value[] {
  const x = required(node, inputs, 0);
  const to = getAttribute(node, "to", "int");
  if (to === DataType.FLOAT) {
    if (x.kind === "float") return [x];
    // Number(bigint) rounds to nearest double, then the Float32Array store rounds again; exact for
    // |v| <= 2^24, and deterministic beyond.
    return float({ shape: [...x.shape], data: Float32Array.from(x.data, (v) => Number(v)) });
  }
  if (x.kind === "int") return [x];
  const data = new BigInt64Array(x.tensor.data.length);
  for (let i = 0; i < data.length; i++) {
    const v = x.tensor.data[i] as number;
    if (!Number.isFinite(v) || Math.abs(v) >= 2 ** 63) throw nodeError(node, `cannot cast ${v} to int64`);
    data[i] = BigInt(Math.trunc(v));
  }
  return [{ kind: "int", shape: [...x.tensor.shape], data }];
}

function runFlatten(node: OnnxNode, inputs: (Value | undefined)[]): Value[] {
  const x = floatIn(node, inputs, 0);
  const rank = x.shape.length;
  const raw = getAttribute(node, "axis", "int") ?? 1;
  const axis = raw < 0 ? raw + rank : raw;
  if (axis < 0 || axis > rank) throw nodeError(node, `axis ${raw} is out of range for rank ${rank}`);
  return float(engine.reshape(x, [product(x.shape.slice(0, axis)), product(x.shape.slice(axis))]));
}

function runReshape(node: OnnxNode, inputs: (Value | undefined)[]): Value[] {
  const x = floatIn(node, inputs, 0);
  const requested = intIn(node, inputs, 1);
  const allowZero = (getAttribute(node, "allowzero", "int") ?? 0) !== 0;
  const shape = requested.map((d, i) => (d === 0 && !allowZero ? (x.shape[i] ?? 0) : d));
  const unknown = shape.filter((d) => d === -1).length;
  if (unknown > 1 || shape.some((d) => d < -1)) throw nodeError(node, `invalid target shape [${requested.join(", ")}]`);
  const known = product(shape.filter((d) => d !== -1));
  const total = x.data.length;
  if (unknown === 1) {
    if (known === 0 || total % known !== 0) throw nodeError(node, `cannot reshape ${total} values to [${requested.join(", ")}]`);
    shape[shape.indexOf(-1)] = total / known;
  }
  if (product(shape) !== total) throw nodeError(node, `cannot reshape [${x.shape.join(", ")}] to [${requested.join(", ")}]`);
  return float(engine.reshape(x, shape));
}
