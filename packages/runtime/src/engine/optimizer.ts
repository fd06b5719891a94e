/**
 * Optimizer updates, elementwise in float32 (hyper-parameters are rounded to float32 first).
 * SGD (PyTorch form): v = mu*v + g; p = p - lr*v.                       moments = [v]
 * Adam: m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g*g; t = step + 1;
 *       p = p - lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps).      moments = [m, v]
 * b^t is computed by powi (square-and-multiply in float32), never Math.pow.
 */
import type { OptimizerSpec } from "./types.js";
import { f } from "./util.js";

/** b^t for integer t >= 0 by binary exponentiation, each product rounded to float32. */
export function powi(b: number, t: number): number {
  let result = 1;
  let base = f(b);
  let e = t;
  while (e > 0) {
    if (e % 2 === 1) result = f(result * base);
    base = f(base * base);
    e = Math.floor(e / 2);
  }
  return result;
}

/** Number of moment buffers per parameter. */
export function momentCount(opt: OptimizerSpec): number {
  return opt.kind === "adam" ? 2 : 1;
}

/** Updates param and its moments in place; step is the number of steps already taken. */
export function applyUpdate(
  opt: OptimizerSpec,
  param: Float32Array,
  grad: Float32Array,
  moments: Float32Array[],
  step: number,
): void {
  const n = param.length;
  if (opt.kind === "sgd") {
    const lr = f(opt.lr);
    const mu = f(opt.momentum);
    const v = moments[0];
    for (let i = 0; i < n; i++) {
      const vi = f(f(mu * v[i]) + grad[i]);
      v[i] = vi;
      param[i] = f(param[i] - f(lr * vi));
    }
    return;
  }
  const lr = f(opt.lr);
  const b1 = f(opt.beta1);
  const b2 = f(opt.beta2);
  const eps = f(opt.eps);
  const c1 = f(1 - b1);
  const c2 = f(1 - b2);
  const t = step + 1;
  const bc1 = f(1 - powi(b1, t));
  const bc2 = f(1 - powi(b2, t));
  const m = moments[0];
  const v = moments[1];
  for (let i = 0; i < n; i++) {
    const g = grad[i];
    const mi = f(f(b1 * m[i]) + f(c1 * g));
    const vi = f(f(b2 * v[i]) + f(c2 * f(g * g)));
    m[i] = mi;
    v[i] = vi;
    const mhat = f(mi / bc1);
    const vhat = f(vi / bc2);
    param[i] = f(param[i] - f(f(lr * mhat) / f(f(Math.sqrt(vhat)) + eps)));
  }
}
