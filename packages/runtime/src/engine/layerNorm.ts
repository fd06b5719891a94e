/**
 * Layer normalisation over the last axis (ONNX LayerNormalization, axis = -1).
 * Per row of length D: mean = (sequential sum)/D, var = (sequential sum of (x-mean)^2)/D,
 * rstd = 1/sqrt(var + eps), y = (x - mean) * rstd * gamma + beta, every step rounded to float32.
 */
import type { Tensor } from "./types.js";
import { checkTensor, f } from "./util.js";

export interface LayerNormCache {
  xhat: Float32Array;
  rstd: Float32Array;
  d: number;
}

export function layerNormForward(
  x: Float32Array,
  gamma: Float32Array,
  beta: Float32Array,
  d: number,
  eps: number,
): { y: Float32Array; cache: LayerNormCache } {
  const rows = x.length / d;
  const y = new Float32Array(x.length);
  const xhat = new Float32Array(x.length);
  const rstdAll = new Float32Array(rows);
  const fd = f(d);
  const feps = f(eps);
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    let s = 0;
    for (let j = 0; j < d; j++) s = f(s + x[o + j]);
    const mean = f(s / fd);
    let v = 0;
    for (let j = 0; j < d; j++) {
      const c = f(x[o + j] - mean);
      xhat[o + j] = c;
      v = f(v + f(c * c));
    }
    const rstd = f(1 / f(Math.sqrt(f(f(v / fd) + feps))));
    rstdAll[r] = rstd;
    for (let j = 0; j < d; j++) {
      const h = f(xhat[o + j] * rstd);
      xhat[o + j] = h;
      y[o + j] = f(f(h * gamma[j]) + beta[j]);
    }
  }
  return { y, cache: { xhat, rstd: rstdAll, d } };
}

/**
 * dx = rstd * (g - mean(g) - xhat * mean(g * xhat)) with g = dy * gamma;
 * dgamma/dbeta accumulate over rows in row order.
 */
export function layerNormBackward(
  cache: LayerNormCache,
  gamma: Float32Array,
  dy: Float32Array,
): { dx: Float32Array; dgamma: Float32Array; dbeta: Float32Array } {
  const { xhat, rstd, d } = cache;
  const rows = dy.length / d;
  const dx = new Float32Array(dy.length);
  const dgamma = new Float32Array(d);
  const dbeta = new Float32Array(d);
  const g = new Float32Array(d);
  const fd = f(d);
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    let s1 = 0;
    let s2 = 0;
    for (let j = 0; j < d; j++) {
      const gy = dy[o + j];
      dgamma[j] = f(dgamma[j] + f(gy * xhat[o + j]));
      dbeta[j] = f(dbeta[j] + gy);
      const gj = f(gy * gamma[j]);
      g[j] = gj;
      s1 = f(s1 + gj);
      s2 = f(s2 + f(gj * xhat[o + j]));
    }
    const m1 = f(s1 / fd);
    const m2 = f(s2 / fd);
    for (let j = 0; j < d; j++) dx[o + j] = f(rstd[r] * f(f(g[j] - m1) - f(xhat[o + j] * m2)));
  }
  return { dx, dgamma, dbeta };
}

/** LayerNormalization over the last axis; gamma and beta have shape [D]. */
export function layerNorm(x: Tensor, gamma: Tensor, beta: Tensor, eps: number): Tensor {
  checkTensor(x, "layerNorm");
  const d = x.shape[x.shape.length - 1];
  if (d === undefined || d === 0) throw new Error(`layerNorm: cannot normalise shape [${x.shape}]`);
  if (gamma.data.length !== d || beta.data.length !== d)
    throw new Error(`layerNorm: gamma/beta must have ${d} elements`);
  return {
    shape: [...x.shape],
    data: layerNormForward(x.data, gamma.data, beta.data, d, eps).y,
  };
}
