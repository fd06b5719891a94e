/** Test helpers shared by the ONNX tests (not exported from the package). */
import type { Tensor } from "../engine/index.js";
import type { OnnxAttribute, OnnxNode, OnnxTensor } from "./types.js";

/** Seeded uniform floats in [-scale, scale), float32-rounded (mulberry32; tests only). */
export function randomTensor(shape: number[], seed: number, scale = 1): Tensor {
  let s = seed >>> 0;
  const n = shape.reduce((p, d) => p * d, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const u = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    data[i] = (u * 2 - 1) * scale;
  }
  return { shape, data };
}

export function node(opType: string, input: string[], output: string[], attribute: OnnxAttribute[] = [], name = `${opType}_${output[0]}`): OnnxNode {
  return { name, opType, domain: "", input, output, attribute };
}

export function floatInit(name: string, t: Tensor): OnnxTensor {
  return { name, dataType: 1, dims: [...t.shape], data: t.data };
}

export function int64Init(name: string, values: number[]): OnnxTensor {
  return { name, dataType: 7, dims: [values.length], data: BigInt64Array.from(values, (v) => BigInt(v)) };
}
