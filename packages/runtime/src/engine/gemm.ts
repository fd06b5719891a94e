import { gemmKernel } from "./gemmKernel.js";
import type { Tensor } from "./types.js";
import { broadcastIndex, broadcastShapes, checkTensor, f } from "./util.js";

export interface GemmOptions {
  transA?: boolean;
  transB?: boolean;
  alpha?: number;
  beta?: number;
}

/**
 * ONNX Gemm: Y = alpha * A' * B' + beta * C, A' = transA ? A^T : A (2-D), C broadcast to [M, N].
 * Order per element: the kernel's sum, then fround(alpha * sum) (skipped when alpha = 1, which is
 * exact anyway), then fround(that + fround(beta * c)) (C ignored when absent or beta = 0).
 */
export function gemm(a: Tensor, b: Tensor, c: Tensor | undefined, opts: GemmOptions = {}): Tensor {
  checkTensor(a, "gemm");
  checkTensor(b, "gemm");
  if (a.shape.length !== 2 || b.shape.length !== 2)
    throw new Error(`gemm: A [${a.shape}] and B [${b.shape}] must be 2-D`);
  const [a0, a1] = a.shape as [number, number];
  const [b0, b1] = b.shape as [number, number];
  const m = opts.transA ? a1 : a0;
  const k = opts.transA ? a0 : a1;
  const kb = opts.transB ? b1 : b0;
  const n = opts.transB ? b0 : b1;
  if (k !== kb) throw new Error(`gemm: inner dimensions differ (${k} vs ${kb})`);
  const am = opts.transA ? { data: a.data, rs: 1, cs: m } : { data: a.data, rs: k, cs: 1 };
  const bm = opts.transB ? { data: b.data, rs: 1, cs: k } : { data: b.data, rs: n, cs: 1 };
  const y = gemmKernel(m, n, k, am, bm);
  const alpha = f(opts.alpha ?? 1);
  const beta = f(opts.beta ?? 1);
  if (alpha !== 1) for (let i = 0; i < y.length; i++) y[i] = f(alpha * y[i]);
  if (c !== undefined && beta !== 0) {
    checkTensor(c, "gemm");
    broadcastShapes(c.shape, [m, n], "gemm");
    if (c.shape.length > 2) throw new Error(`gemm: C [${c.shape}] has rank > 2`);
    const idx = c.data.length === m * n ? undefined : broadcastIndex(c.shape, [m, n]);
    for (let i = 0; i < y.length; i++) {
      const cv = c.data[idx ? idx[i] : i];
      y[i] = f(y[i] + (beta === 1 ? cv : f(beta * cv)));
    }
  }
  return { shape: [m, n], data: y };
}
