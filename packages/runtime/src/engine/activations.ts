/**
 * Pointwise activations and their derivatives. Each element is computed by a fixed sequence of
 * float32 operations (see docs/RUNTIME.md), so the result depends on the input bits only.
 */
import { fexp, ftanh } from "./fmath.js";
import type { Activation, Tensor } from "./types.js";
import { checkTensor, f } from "./util.js";

const GELU_C = f(0.7978845608028654); // sqrt(2/pi)
const GELU_A = f(0.044715);
const GELU_3A = f(0.134145);

/** max(x, 0); NaN propagates. */
export function reluScalar(x: number): number {
  return x > 0 || Number.isNaN(x) ? x : 0;
}
/** 1 / (1 + e^-x). */
export function sigmoidScalar(x: number): number {
  return f(1 / f(1 + fexp(-x)));
}
/** Gelu, tanh approximation: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). */
export function geluScalar(x: number): number {
  const x3 = f(f(x * x) * x);
  const u = f(GELU_C * f(x + f(GELU_A * x3)));
  return f(f(0.5 * x) * f(1 + ftanh(u)));
}

/** d gelu / dx for the tanh approximation. */
function geluGrad(x: number): number {
  const x2 = f(x * x);
  const u = f(GELU_C * f(x + f(GELU_A * f(x2 * x))));
  const t = ftanh(u);
  const du = f(GELU_C * f(1 + f(GELU_3A * x2)));
  const sech2 = f(1 - f(t * t));
  return f(f(0.5 * f(1 + t)) + f(f(f(0.5 * x) * sech2) * du));
}

function map(x: Tensor, what: string, fn: (v: number) => number): Tensor {
  checkTensor(x, what);
  const out = new Float32Array(x.data.length);
  for (let i = 0; i < out.length; i++) out[i] = fn(x.data[i]);
  return { shape: [...x.shape], data: out };
}

export function relu(x: Tensor): Tensor {
  return map(x, "relu", reluScalar);
}
export function sigmoid(x: Tensor): Tensor {
  return map(x, "sigmoid", sigmoidScalar);
}
export function tanh(x: Tensor): Tensor {
  return map(x, "tanh", ftanh);
}
export function gelu(x: Tensor): Tensor {
  return map(x, "gelu", geluScalar);
}

/** Forward of an activation by name on raw data. */
export function activationForward(kind: Activation, x: Float32Array): Float32Array {
  const fn = kind === "relu" ? reluScalar : kind === "sigmoid" ? sigmoidScalar : kind === "tanh" ? ftanh : geluScalar;
  const out = new Float32Array(x.length);
  for (let i = 0; i < out.length; i++) out[i] = fn(x[i]);
  return out;
}

/** dL/dx given the activation's input x, output y and dL/dy. */
export function activationBackward(kind: Activation, x: Float32Array, y: Float32Array, dy: Float32Array): Float32Array {
  const dx = new Float32Array(dy.length);
  switch (kind) {
    case "relu":
      for (let i = 0; i < dx.length; i++) dx[i] = x[i] > 0 ? dy[i] : 0;
      break;
    case "sigmoid":
      for (let i = 0; i < dx.length; i++) dx[i] = f(dy[i] * f(y[i] * f(1 - y[i])));
      break;
    case "tanh":
      for (let i = 0; i < dx.length; i++) dx[i] = f(dy[i] * f(1 - f(y[i] * y[i])));
      break;
    case "gelu":
      for (let i = 0; i < dx.length; i++) dx[i] = f(dy[i] * geluGrad(x[i]));
      break;
  }
  return dx;
}
