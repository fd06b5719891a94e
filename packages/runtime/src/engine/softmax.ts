/**
 * Softmax and softmax-cross-entropy. Per row: m = max (sequential, NaN propagates),
 * e_i = fexp(x_i - m), s = sequential float32 sum of e_i, softmax_i = e_i / s,
 * log-sum-exp = m + flog(s).
 */
import { fexp, flog } from "./fmath.js";
import type { Tensor } from "./types.js";
import { checkTensor, f, sizeOf } from "./util.js";

/** Softmax along `axis` (negative counts from the end). */
export function softmax(x: Tensor, axis: number): Tensor {
  checkTensor(x, "softmax");
  const r = x.shape.length;
  const ax = axis < 0 ? axis + r : axis;
  if (ax < 0 || ax >= r) throw new Error(`softmax: axis ${axis} out of range for rank ${r}`);
  const outer = sizeOf(x.shape.slice(0, ax));
  const len = x.shape[ax];
  const inner = sizeOf(x.shape.slice(ax + 1));
  const out = new Float32Array(x.data.length);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * len * inner + i;
      let m = Number.NEGATIVE_INFINITY;
      for (let j = 0; j < len; j++) {
        const v = x.data[base + j * inner];
        if (v > m || Number.isNaN(v)) m = v;
        if (Number.isNaN(m)) break;
      }
      let s = 0;
      for (let j = 0; j < len; j++) {
        const e = fexp(f(x.data[base + j * inner] - m));
        out[base + j * inner] = e;
        s = f(s + e);
      }
      for (let j = 0; j < len; j++) out[base + j * inner] = f(out[base + j * inner] / s);
    }
  }
  return { shape: [...x.shape], data: out };
}

/**
 * Mean cross-entropy of logits [batch, classes] against integer labels, and its gradient
 * dL/dlogits = (softmax - onehot) / batch. Loss_b = (m + flog(s)) - x[label]; the mean is a
 * sequential float32 sum over the batch divided by batch.
 */
export function softmaxCrossEntropy(logits: Tensor, labels: Int32Array): { loss: number; grad: Float32Array } {
  checkTensor(logits, "softmaxCrossEntropy");
  if (logits.shape.length !== 2)
    throw new Error(`softmaxCrossEntropy: logits must be [batch, classes], got [${logits.shape}]`);
  const [batch, classes] = logits.shape as [number, number];
  if (labels.length !== batch) throw new Error(`softmaxCrossEntropy: ${labels.length} labels for batch ${batch}`);
  const grad = new Float32Array(batch * classes);
  const fb = f(batch);
  let total = 0;
  for (let b = 0; b < batch; b++) {
    const label = labels[b];
    if (!(label >= 0 && label < classes))
      throw new Error(`softmaxCrossEntropy: label ${label} out of range [0, ${classes})`);
    const row = logits.data.subarray(b * classes, (b + 1) * classes);
    let m = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < classes; j++) if (row[j] > m || Number.isNaN(row[j])) m = row[j];
    let s = 0;
    for (let j = 0; j < classes; j++) {
      const e = fexp(f(row[j] - m));
      grad[b * classes + j] = e;
      s = f(s + e);
    }
    const lse = f(m + flog(s));
    total = f(total + f(lse - row[label]));
    for (let j = 0; j < classes; j++) {
      const p = f(grad[b * classes + j] / s);
      grad[b * classes + j] = f(f(j === label ? p - 1 : p) / fb);
    }
  }
  return { loss: f(total / fb), grad };
}
