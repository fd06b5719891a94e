/** Data-movement ops (exact: no arithmetic). */
import type { Tensor } from "./types.js";
import { checkTensor, sizeOf, stridesOf } from "./util.js";

/** Permute axes: out.shape[i] = x.shape[perm[i]]. */
export function transpose(x: Tensor, perm: number[]): Tensor {
  checkTensor(x, "transpose");
  const r = x.shape.length;
  if (perm.length !== r || [...perm].sort((a, b) => a - b).some((p, i) => p !== i))
    throw new Error(`transpose: invalid perm [${perm}] for rank ${r}`);
  const shape = perm.map((p) => x.shape[p]);
  const src = stridesOf(x.shape);
  const eff = perm.map((p) => src[p]);
  const n = x.data.length;
  const out = new Float32Array(n);
  const pos = new Array<number>(r).fill(0);
  let cur = 0;
  for (let e = 0; e < n; e++) {
    out[e] = x.data[cur];
    for (let ax = r - 1; ax >= 0; ax--) {
      pos[ax]++;
      cur += eff[ax];
      if (pos[ax] < shape[ax]) break;
      cur -= eff[ax] * pos[ax];
      pos[ax] = 0;
    }
  }
  return { shape, data: out };
}

/** Same data, new shape; one dimension may be -1 (inferred). Copies the data. */
export function reshape(x: Tensor, shape: number[]): Tensor {
  checkTensor(x, "reshape");
  const n = x.data.length;
  const known = shape.filter((d) => d !== -1);
  const inferred = shape.length - known.length;
  if (inferred > 1) throw new Error(`reshape: more than one -1 in [${shape}]`);
  const rest = sizeOf(known);
  const out = shape.map((d) => (d === -1 ? (rest === 0 ? 0 : n / rest) : d));
  if (sizeOf(out) !== n || out.some((d) => !Number.isInteger(d) || d < 0))
    throw new Error(`reshape: cannot reshape [${x.shape}] to [${shape}]`);
  return { shape: out, data: x.data.slice() };
}

/** Concatenate along `axis` (negative counts from the end). */
export function concat(xs: Tensor[], axis: number): Tensor {
  if (xs.length === 0) throw new Error("concat: no inputs");
  const first = xs[0];
  const r = first.shape.length;
  const ax = axis < 0 ? axis + r : axis;
  if (ax < 0 || ax >= r) throw new Error(`concat: axis ${axis} out of range for rank ${r}`);
  for (const t of xs) {
    checkTensor(t, "concat");
    if (t.shape.length !== r || t.shape.some((d, i) => i !== ax && d !== first.shape[i]))
      throw new Error(`concat: shape [${t.shape}] does not match [${first.shape}] off axis ${ax}`);
  }
  const outer = sizeOf(first.shape.slice(0, ax));
  const inner = sizeOf(first.shape.slice(ax + 1));
  const total = xs.reduce((s, t) => s + t.shape[ax], 0);
  const out = new Float32Array(outer * total * inner);
  let off = 0;
  for (let o = 0; o < outer; o++) {
    for (const t of xs) {
      const len = t.shape[ax] * inner;
      out.set(t.data.subarray(o * len, (o + 1) * len), off);
      off += len;
    }
  }
  const shape = [...first.shape];
  shape[ax] = total;
  return { shape, data: out };
}
