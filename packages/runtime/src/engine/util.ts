/** Internal helpers shared by the engine's ops (not part of the public API). */
import type { Tensor } from "./types.js";

export const f = Math.fround;

/** Number of elements of a shape. */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Throws unless t.data holds exactly sizeOf(t.shape) elements. */
export function checkTensor(t: Tensor, what: string): void {
  for (const d of t.shape) {
    if (!Number.isInteger(d) || d < 0) throw new Error(`${what}: invalid dimension ${d} in shape [${t.shape}]`);
  }
  const n = sizeOf(t.shape);
  if (n !== t.data.length)
    throw new Error(`${what}: shape [${t.shape}] needs ${n} elements, data has ${t.data.length}`);
}

/** Row-major element strides. */
export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/** numpy broadcast of two shapes. */
export function broadcastShapes(a: readonly number[], b: readonly number[], what: string): number[] {
  const r = Math.max(a.length, b.length);
  const out = new Array<number>(r);
  for (let i = 0; i < r; i++) {
    const da = a[a.length - r + i] ?? 1;
    const db = b[b.length - r + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) throw new Error(`${what}: shapes [${a}] and [${b}] do not broadcast`);
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** For each element of `out` (row-major), the flat index into a tensor of `shape` broadcast to it. */
export function broadcastIndex(shape: readonly number[], out: readonly number[]): Int32Array {
  const n = sizeOf(out);
  const idx = new Int32Array(n);
  const r = out.length;
  const src = stridesOf(shape);
  // effective stride per output axis (0 where broadcast)
  const eff = new Array<number>(r).fill(0);
  for (let i = 0; i < r; i++) {
    const j = i - (r - shape.length);
    if (j >= 0 && shape[j] !== 1) eff[i] = src[j];
  }
  const pos = new Array<number>(r).fill(0);
  let cur = 0;
  for (let e = 0; e < n; e++) {
    idx[e] = cur;
    for (let ax = r - 1; ax >= 0; ax--) {
      pos[ax]++;
      cur += eff[ax];
      if (pos[ax] < out[ax]) break;
      cur -= eff[ax] * pos[ax];
      pos[ax] = 0;
    }
  }
  return idx;
}
