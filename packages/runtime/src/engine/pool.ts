/**
 * Max and average pooling (ONNX MaxPool / AveragePool, NCHW, floor output size, no dilation).
 * Padded positions never contribute to a max; windows are scanned row-major, so ties and NaN
 * resolve to the first such element. Average: sequential float32 sum of the window then one
 * division by the count (window area if countIncludePad, else the in-bounds count).
 */
import type { Tensor } from "./types.js";
import { checkTensor, f } from "./util.js";

export interface PoolOptions {
  kernel: [number, number];
  stride: [number, number];
  /** [top, left, bottom, right] */
  pads: [number, number, number, number];
  countIncludePad?: boolean;
}

interface PoolGeo {
  n: number;
  c: number;
  h: number;
  w: number;
  oh: number;
  ow: number;
}

function poolGeo(x: Tensor, o: PoolOptions, what: string): PoolGeo {
  checkTensor(x, what);
  if (x.shape.length !== 4) throw new Error(`${what}: input must be NCHW, got [${x.shape}]`);
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const oh = Math.floor((h + o.pads[0] + o.pads[2] - o.kernel[0]) / o.stride[0]) + 1;
  const ow = Math.floor((w + o.pads[1] + o.pads[3] - o.kernel[1]) / o.stride[1]) + 1;
  if (oh <= 0 || ow <= 0) throw new Error(`${what}: empty output for input [${x.shape}]`);
  return { n, c, h, w, oh, ow };
}

/** Max pooling; also returns, per output, the flat input index chosen (-1: window all padding). */
export function maxPool2dForward(x: Tensor, o: PoolOptions): { y: Tensor; argmax: Int32Array } {
  const g = poolGeo(x, o, "maxPool2d");
  const y = new Float32Array(g.n * g.c * g.oh * g.ow);
  const argmax = new Int32Array(y.length);
  let out = 0;
  for (let p = 0; p < g.n * g.c; p++) {
    const base = p * g.h * g.w;
    for (let oy = 0; oy < g.oh; oy++) {
      for (let ox = 0; ox < g.ow; ox++, out++) {
        let best = Number.NEGATIVE_INFINITY;
        let arg = -1;
        for (let i = 0; i < o.kernel[0]; i++) {
          const iy = oy * o.stride[0] - o.pads[0] + i;
          if (iy < 0 || iy >= g.h) continue;
          for (let j = 0; j < o.kernel[1]; j++) {
            const ix = ox * o.stride[1] - o.pads[1] + j;
            if (ix < 0 || ix >= g.w) continue;
            const v = x.data[base + iy * g.w + ix];
            if (arg < 0 || v > best || (Number.isNaN(v) && !Number.isNaN(best))) {
              best = v;
              arg = base + iy * g.w + ix;
            }
          }
        }
        y[out] = best;
        argmax[out] = arg;
      }
    }
  }
  return { y: { shape: [g.n, g.c, g.oh, g.ow], data: y }, argmax };
}

/** dx of max pooling: each output gradient goes to its argmax, accumulated in output order. */
export function maxPool2dBackward(argmax: Int32Array, dy: Float32Array, inputSize: number): Float32Array {
  const dx = new Float32Array(inputSize);
  for (let i = 0; i < dy.length; i++) {
    const a = argmax[i];
    if (a >= 0) dx[a] = f(dx[a] + dy[i]);
  }
  return dx;
}

export function maxPool2d(
  x: Tensor,
  opts: {
    kernel: [number, number];
    stride: [number, number];
    pads: [number, number, number, number];
  },
): Tensor {
  return maxPool2dForward(x, opts).y;
}

/**
 * Average pooling over raw data. With dy undefined computes the forward outputs; with dy given
 * accumulates dx (dy/count to each in-bounds input of the window, in output order).
 */
function avgPoolCore(x: Tensor, o: PoolOptions, what: string, dy?: Float32Array): { g: PoolGeo; out: Float32Array } {
  const g = poolGeo(x, o, what);
  const [kh, kw] = o.kernel;
  const [sh, sw] = o.stride;
  const [pt, pl, pb, pr] = o.pads;
  const out = dy ? new Float32Array(x.data.length) : new Float32Array(g.n * g.c * g.oh * g.ow);
  const xd = x.data;
  let idx = 0;
  for (let p = 0; p < g.n * g.c; p++) {
    const base = p * g.h * g.w;
    for (let oy = 0; oy < g.oh; oy++) {
      // window rows clipped to the input, and to the padded border for the padded count
      const y0 = oy * sh - pt;
      const yPadEnd = Math.min(y0 + kh, g.h + pb);
      const ya = Math.max(y0, 0);
      const yb = Math.min(y0 + kh, g.h);
      for (let ox = 0; ox < g.ow; ox++, idx++) {
        const x0 = ox * sw - pl;
        const xPadEnd = Math.min(x0 + kw, g.w + pr);
        const xa = Math.max(x0, 0);
        const xb = Math.min(x0 + kw, g.w);
        const inside = Math.max(0, yb - ya) * Math.max(0, xb - xa);
        const count = o.countIncludePad ? (yPadEnd - y0) * (xPadEnd - x0) : inside;
        if (dy) {
          const share = f(dy[idx] / count);
          for (let iy = ya; iy < yb; iy++) {
            for (let ix = xa; ix < xb; ix++) out[base + iy * g.w + ix] = f(out[base + iy * g.w + ix] + share);
          }
        } else {
          let s = 0;
          for (let iy = ya; iy < yb; iy++) for (let ix = xa; ix < xb; ix++) s = f(s + xd[base + iy * g.w + ix]);
          out[idx] = f(s / count);
        }
      }
    }
  }
  return { g, out };
}

export function avgPool2d(x: Tensor, opts: PoolOptions): Tensor {
  const { g, out } = avgPoolCore(x, opts, "avgPool2d");
  return { shape: [g.n, g.c, g.oh, g.ow], data: out };
}

/** dx of average pooling: dy/count added to each contributing input, in output order. */
export function avgPool2dBackward(x: Tensor, opts: PoolOptions, dy: Float32Array): Float32Array {
  return avgPoolCore(x, opts, "avgPool2d", dy).out;
}
