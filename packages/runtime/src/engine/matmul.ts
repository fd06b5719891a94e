import { gemmKernel } from "./gemmKernel.js";
import type { Tensor } from "./types.js";
import { broadcastIndex, broadcastShapes, checkTensor, sizeOf } from "./util.js";

/**
 * numpy/ONNX MatMul: [..., m, k] x [..., k, n] with broadcast batch dimensions; a 1-D operand is
 * promoted (a: [k] -> [1, k], b: [k] -> [k, 1]) and the promoted axis removed from the result.
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  checkTensor(a, "matmul");
  checkTensor(b, "matmul");
  if (a.shape.length === 0 || b.shape.length === 0) throw new Error("matmul: scalar operands are not allowed");
  const as = a.shape.length === 1 ? [1, a.shape[0]] : a.shape;
  const bs = b.shape.length === 1 ? [b.shape[0], 1] : b.shape;
  const m = as[as.length - 2];
  const k = as[as.length - 1];
  const n = bs[bs.length - 1];
  if (bs[bs.length - 2] !== k) throw new Error(`matmul: [${a.shape}] x [${b.shape}]: inner dimensions differ`);
  const batchA = as.slice(0, -2);
  const batchB = bs.slice(0, -2);
  const batch = broadcastShapes(batchA, batchB, "matmul");
  const nb = sizeOf(batch);
  const ia = broadcastIndex(batchA, batch);
  const ib = broadcastIndex(batchB, batch);
  const out = new Float32Array(nb * m * n);
  for (let t = 0; t < nb; t++) {
    const ad = a.data.subarray(ia[t] * m * k, (ia[t] + 1) * m * k);
    const bd = b.data.subarray(ib[t] * k * n, (ib[t] + 1) * k * n);
    out.set(gemmKernel(m, n, k, { data: ad, rs: k, cs: 1 }, { data: bd, rs: n, cs: 1 }), t * m * n);
  }
  const shape = [...batch];
  if (a.shape.length > 1) shape.push(m);
  if (b.shape.length > 1) shape.push(n);
  return { shape, data: out };
}
