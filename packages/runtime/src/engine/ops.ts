import type { Tensor } from "./types.js";

const todo = (n: string): never => {
  throw new Error(`${n}: not implemented`);
};
export function matmul(a: Tensor, b: Tensor): Tensor { return todo("matmul"); }
export function gemm(a: Tensor, b: Tensor, c: Tensor | undefined, opts: { transA?: boolean; transB?: boolean; alpha?: number; beta?: number }): Tensor { return todo("gemm"); }
export function add(a: Tensor, b: Tensor): Tensor { return todo("add"); }
export function mul(a: Tensor, b: Tensor): Tensor { return todo("mul"); }
export function relu(x: Tensor): Tensor { return todo("relu"); }
export function sigmoid(x: Tensor): Tensor { return todo("sigmoid"); }
export function tanh(x: Tensor): Tensor { return todo("tanh"); }
export function gelu(x: Tensor): Tensor { return todo("gelu"); }
export function softmax(x: Tensor, axis: number): Tensor { return todo("softmax"); }
export function conv2d(x: Tensor, w: Tensor, b: Tensor | undefined, opts: { stride: [number, number]; pads: [number, number, number, number]; dilations?: [number, number]; group?: number }): Tensor { return todo("conv2d"); }
export function maxPool2d(x: Tensor, opts: { kernel: [number, number]; stride: [number, number]; pads: [number, number, number, number] }): Tensor { return todo("maxPool2d"); }
export function avgPool2d(x: Tensor, opts: { kernel: [number, number]; stride: [number, number]; pads: [number, number, number, number]; countIncludePad?: boolean }): Tensor { return todo("avgPool2d"); }
export function transpose(x: Tensor, perm: number[]): Tensor { return todo("transpose"); }
export function reshape(x: Tensor, shape: number[]): Tensor { return todo("reshape"); }
export function concat(xs: Tensor[], axis: number): Tensor { return todo("concat"); }
export function layerNorm(x: Tensor, gamma: Tensor, beta: Tensor, eps: number): Tensor { return todo("layerNorm"); }
