/**
 * 2-D convolution (ONNX Conv, NCHW) as im2col + the GEMM kernel, per group:
 *   col[(c, kh, kw)][(n, oh, ow)] = x[n, c, oh*sh - pt + kh*dh, ow*sw - pl + kw*dw] (0 outside),
 *   out[f][(n, oh, ow)] = sum over (c, kh, kw) in that order of w[f, c, kh, kw] * col[...],
 *   y = fround(out + bias). The im2col copy is exact, so both backends share the kernel's bits.
 * Backward: dW = dY * col^T (sum over (n, oh, ow) in order), db = sequential sum over (n, oh, ow),
 * dcol = W^T * dY (sum over filters in order), dx = col2im(dcol) accumulated in (c, kh, kw, n, oh, ow) order.
 */
import { gemmKernel } from "./gemmKernel.js";
import type { Tensor } from "./types.js";
import { checkTensor, f } from "./util.js";

export interface Conv2dOptions {
  stride: [number, number];
  /** [top, left, bottom, right] */
  pads: [number, number, number, number];
  dilations?: [number, number];
  group?: number;
}

interface Geometry {
  n: number;
  c: number;
  h: number;
  w: number;
  fo: number;
  kh: number;
  kw: number;
  oh: number;
  ow: number;
  sh: number;
  sw: number;
  pt: number;
  pl: number;
  dh: number;
  dw: number;
  group: number;
}

export interface Conv2dCache {
  geo: Geometry;
  /** one im2col matrix per group, [cg*kh*kw, n*oh*ow] */
  cols: Float32Array[];
  w: Float32Array;
}

function geometry(xs: number[], ws: number[], opts: Conv2dOptions): Geometry {
  if (xs.length !== 4 || ws.length !== 4) throw new Error(`conv2d: x [${xs}] and w [${ws}] must be 4-D (NCHW / FCHW)`);
  const [n, c, h, w] = xs as [number, number, number, number];
  const [fo, cg, kh, kw] = ws as [number, number, number, number];
  const group = opts.group ?? 1;
  if (c !== cg * group || fo % group !== 0)
    throw new Error(`conv2d: channels ${c} / filters ${fo} do not fit group ${group} with w [${ws}]`);
  const [sh, sw] = opts.stride;
  const [pt, pl, pb, pr] = opts.pads;
  const [dh, dw] = opts.dilations ?? [1, 1];
  const oh = Math.floor((h + pt + pb - dh * (kh - 1) - 1) / sh) + 1;
  const ow = Math.floor((w + pl + pr - dw * (kw - 1) - 1) / sw) + 1;
  if (oh <= 0 || ow <= 0) throw new Error(`conv2d: empty output for input [${xs}] and kernel [${ws}]`);
  return { n, c, h, w, fo, kh, kw, oh, ow, sh, sw, pt, pl, dh, dw, group };
}

/** Output columns ox whose input column ox*sw - pl + j*dw lies inside [0, w): [lo, hi). */
function validRange(g: Geometry, j: number): [number, number] {
  const off = j * g.dw - g.pl;
  const lo = Math.min(g.ow, Math.max(0, Math.ceil(-off / g.sw)));
  const hi = Math.max(lo, Math.min(g.ow, Math.floor((g.w - 1 - off) / g.sw) + 1));
  return [lo, hi];
}

function im2col(x: Float32Array, g: Geometry, grp: number): Float32Array {
  const cg = g.c / g.group;
  const cols = g.n * g.oh * g.ow;
  const out = new Float32Array(cg * g.kh * g.kw * cols); // zero-filled: padding stays 0
  let row = 0;
  for (let ci = 0; ci < cg; ci++) {
    const c = grp * cg + ci;
    for (let i = 0; i < g.kh; i++) {
      for (let j = 0; j < g.kw; j++, row++) {
        const [lo, hi] = validRange(g, j);
        const off = j * g.dw - g.pl;
        let o = row * cols;
        for (let b = 0; b < g.n; b++) {
          const plane = (b * g.c + c) * g.h * g.w;
          for (let y = 0; y < g.oh; y++, o += g.ow) {
            const iy = y * g.sh - g.pt + i * g.dh;
            if (iy < 0 || iy >= g.h) continue;
            const src = plane + iy * g.w + off;
            for (let xo = lo; xo < hi; xo++) out[o + xo] = x[src + xo * g.sw];
          }
        }
      }
    }
  }
  return out;
}

/** Forward pass keeping what the backward pass needs. */
export function conv2dForward(
  x: Tensor,
  w: Tensor,
  b: Tensor | undefined,
  opts: Conv2dOptions,
): { y: Tensor; cache: Conv2dCache } {
  checkTensor(x, "conv2d");
  checkTensor(w, "conv2d");
  const g = geometry(x.shape, w.shape, opts);
  if (b !== undefined && b.data.length !== g.fo)
    throw new Error(`conv2d: bias has ${b.data.length} elements, expected ${g.fo}`);
  const fg = g.fo / g.group;
  const kk = (g.c / g.group) * g.kh * g.kw;
  const cols = g.n * g.oh * g.ow;
  const plane = g.oh * g.ow;
  const y = new Float32Array(g.n * g.fo * plane);
  const colList: Float32Array[] = [];
  for (let grp = 0; grp < g.group; grp++) {
    const col = im2col(x.data, g, grp);
    colList.push(col);
    const wg = w.data.subarray(grp * fg * kk, (grp + 1) * fg * kk);
    const out = gemmKernel(fg, cols, kk, { data: wg, rs: kk, cs: 1 }, { data: col, rs: cols, cs: 1 });
    for (let fi = 0; fi < fg; fi++) {
      const fo = grp * fg + fi;
      const bias = b ? b.data[fo] : 0;
      for (let bn = 0; bn < g.n; bn++) {
        const src = fi * cols + bn * plane;
        const dst = (bn * g.fo + fo) * plane;
        for (let p = 0; p < plane; p++) y[dst + p] = b ? f(out[src + p] + bias) : out[src + p];
      }
    }
  }
  return {
    y: { shape: [g.n, g.fo, g.oh, g.ow], data: y },
    cache: { geo: g, cols: colList, w: w.data },
  };
}

/** Gradients of conv2d; dx is skipped when needDx is false (first layer). */
export function conv2dBackward(
  cache: Conv2dCache,
  dy: Float32Array,
  needDx: boolean,
): { dx?: Float32Array; dw: Float32Array; db: Float32Array } {
  const g = cache.geo;
  const fg = g.fo / g.group;
  const cg = g.c / g.group;
  const kk = cg * g.kh * g.kw;
  const cols = g.n * g.oh * g.ow;
  const plane = g.oh * g.ow;
  const dw = new Float32Array(g.fo * kk);
  const db = new Float32Array(g.fo);
  const dx = needDx ? new Float32Array(g.n * g.c * g.h * g.w) : undefined;
  for (let grp = 0; grp < g.group; grp++) {
    // dY of this group as [fg, (n, oh, ow)]
    const dyg = new Float32Array(fg * cols);
    for (let fi = 0; fi < fg; fi++) {
      const fo = grp * fg + fi;
      let s = 0;
      for (let bn = 0; bn < g.n; bn++) {
        const src = (bn * g.fo + fo) * plane;
        const dst = fi * cols + bn * plane;
        for (let p = 0; p < plane; p++) {
          const v = dy[src + p];
          dyg[dst + p] = v;
          s = f(s + v);
        }
      }
      db[fo] = s;
    }
    const col = cache.cols[grp];
    dw.set(gemmKernel(fg, kk, cols, { data: dyg, rs: cols, cs: 1 }, { data: col, rs: 1, cs: cols }), grp * fg * kk);
    if (dx) {
      const wg = cache.w.subarray(grp * fg * kk, (grp + 1) * fg * kk);
      const dcol = gemmKernel(kk, cols, fg, { data: wg, rs: 1, cs: kk }, { data: dyg, rs: cols, cs: 1 });
      let row = 0;
      for (let ci = 0; ci < cg; ci++) {
        const c = grp * cg + ci;
        for (let i = 0; i < g.kh; i++) {
          for (let j = 0; j < g.kw; j++, row++) {
            const [lo, hi] = validRange(g, j);
            const off = j * g.dw - g.pl;
            let o = row * cols;
            for (let bn = 0; bn < g.n; bn++) {
              const pl = (bn * g.c + c) * g.h * g.w;
              for (let y = 0; y < g.oh; y++, o += g.ow) {
                const iy = y * g.sh - g.pt + i * g.dh;
                if (iy < 0 || iy >= g.h) continue;
                const dst = pl + iy * g.w + off;
                for (let xo = lo; xo < hi; xo++) dx[dst + xo * g.sw] = f(dx[dst + xo * g.sw] + dcol[o + xo]);
              }
            }
          }
        }
      }
    }
  }
  return { dx, dw, db };
}

/** ONNX Conv (NCHW): x [N, C, H, W], w [F, C/group, KH, KW], optional bias [F]. */
export function conv2d(x: Tensor, w: Tensor, b: Tensor | undefined, opts: Conv2dOptions): Tensor {
  return conv2dForward(x, w, b, opts).y;
}
