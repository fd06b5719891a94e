/**
 * Binary elementwise ops with numpy broadcasting; each result is one correctly rounded float32
 * operation, so there is no order to fix.
 */
import type { Tensor } from "./types.js";
import { broadcastIndex, broadcastShapes, checkTensor, f, sizeOf } from "./util.js";

function binary(a: Tensor, b: Tensor, what: string, op: (x: number, y: number) => number): Tensor {
  checkTensor(a, what);
  checkTensor(b, what);
  const shape = broadcastShapes(a.shape, b.shape, what);
  const n = sizeOf(shape);
  const out = new Float32Array(n);
  const sameA = a.data.length === n && a.shape.length === shape.length;
  const sameB = b.data.length === n && b.shape.length === shape.length;
  if (sameA && sameB) {
    for (let i = 0; i < n; i++) out[i] = op(a.data[i], b.data[i]);
  } else {
    const ia = sameA ? undefined : broadcastIndex(a.shape, shape);
    const ib = sameB ? undefined : broadcastIndex(b.shape, shape);
    for (let i = 0; i < n; i++) out[i] = op(a.data[ia ? ia[i] : i], b.data[ib ? ib[i] : i]);
  }
  return { shape, data: out };
}

/** a + b (numpy broadcasting). */
export function add(a: Tensor, b: Tensor): Tensor {
  return binary(a, b, "add", (x, y) => f(x + y));
}
/** a - b (numpy broadcasting). */
export function sub(a: Tensor, b: Tensor): Tensor {
  return binary(a, b, "sub", (x, y) => f(x - y));
}
/** a * b (numpy broadcasting). */
export function mul(a: Tensor, b: Tensor): Tensor {
  return binary(a, b, "mul", (x, y) => f(x * y));
}
/** a / b (numpy broadcasting). */
export function div(a: Tensor, b: Tensor): Tensor {
  return binary(a, b, "div", (x, y) => f(x / y));
}
