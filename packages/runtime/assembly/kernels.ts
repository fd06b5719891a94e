// WebAssembly SIMD kernels of the deterministic engine (packages/runtime/src/engine).
//
// Invariant: every output element C[i][j] is the float32 sum, in increasing k order starting
// from +0, of the float32-rounded products A[i][k]*B[k][j] (separate f32x4.mul and f32x4.add,
// never FMA or relaxed SIMD). Blocking, packing and register tiling only change *when* each
// element is updated, never the order of its own additions, so the JS reference loop in
// src/engine/gemmKernel.ts produces the same bits. The JS side owns the memory layout: it copies
// operands above heapBase(), grows the memory when needed and reads C back.

const MR: i32 = 4; // rows of the register tile
const NR: i32 = 8; // columns of the register tile (two f32x4)
const KC: i32 = 256; // depth of a packed block (A micro-panel 4 KiB + B micro-panel 8 KiB in L1)
const MC: i32 = 96; // rows of a packed A block (L2)
const NC: i32 = 1024; // columns of a packed B block

export function heapBase(): usize {
  return __heap_base;
}

/** Bytes of scratch the kernel needs after its operands (packed A, packed B, edge tile). */
// Packed blocks round MC and NC up to whole register panels (packing zero-fills the remainder).
const MC_PANELS: i32 = ((MC + MR - 1) / MR) * MR;
const NC_PANELS: i32 = ((NC + NR - 1) / NR) * NR;

export function scratchBytes(): i32 {
  return (MC_PANELS * KC + KC * NC_PANELS + MR * NR) * 4;
}

// dst[(jp/NR)*kc*NR + p*NR + c] = B[p0+p][j0+jp+c], zero-padded past nc.
function packB(b: usize, rs: i32, cs: i32, p0: i32, kc: i32, j0: i32, nc: i32, dst: usize): void {
  for (let jp = 0; jp < nc; jp += NR) {
    const w = min(NR, nc - jp);
    let src = b + ((<usize>(p0 * rs + (j0 + jp) * cs)) << 2);
    const step = (<usize>rs) << 2;
    if (w == NR && cs == 1) {
      for (let p = 0; p < kc; p++) {
        v128.store(dst, v128.load(src));
        v128.store(dst, v128.load(src, 16), 16);
        src += step;
        dst += NR << 2;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let c = 0; c < NR; c++) {
          store<f32>(dst + (<usize>c << 2), c < w ? load<f32>(src + (<usize>(c * cs) << 2)) : 0);
        }
        src += step;
        dst += NR << 2;
      }
    }
  }
}

// dst[(ip/MR)*kc*MR + p*MR + r] = A[i0+ip+r][p0+p], zero-padded past mc.
function packA(a: usize, rs: i32, cs: i32, i0: i32, mc: i32, p0: i32, kc: i32, dst: usize): void {
  for (let ip = 0; ip < mc; ip += MR) {
    const h = min(MR, mc - ip);
    for (let p = 0; p < kc; p++) {
      const src = a + (<usize>((i0 + ip) * rs + (p0 + p) * cs) << 2);
      for (let r = 0; r < MR; r++) {
        store<f32>(dst + (<usize>r << 2), r < h ? load<f32>(src + (<usize>(r * rs) << 2)) : 0);
      }
      dst += MR << 2;
    }
  }
}

// C tile (4x8 at c, row stride ldc bytes) = (first ? 0 : C) + sum_p a[p] (x) b[p], in p order.
// 8 accumulators + 2 B vectors + 1 broadcast A. Measured: 5- and 6-row tiles (13-15 live vectors)
// run about 2x slower under V8, which keeps scratch SIMD registers for itself and spills; so does
// unrolling the p loop by two.
// @ts-ignore: decorator
@inline
function micro(pa: usize, pb: usize, kc: i32, c: usize, ldc: usize, first: bool): void {
  let c00 = f32x4.splat(0),
    c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0),
    c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0),
    c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0),
    c31 = f32x4.splat(0);
  if (!first) {
    c00 = v128.load(c + 0 * ldc);
    c01 = v128.load(c + 0 * ldc, 16);
    c10 = v128.load(c + 1 * ldc);
    c11 = v128.load(c + 1 * ldc, 16);
    c20 = v128.load(c + 2 * ldc);
    c21 = v128.load(c + 2 * ldc, 16);
    c30 = v128.load(c + 3 * ldc);
    c31 = v128.load(c + 3 * ldc, 16);
  }
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = v128.load32_splat(pa, 0);
    c00 = f32x4.add(c00, f32x4.mul(a, b0));
    c01 = f32x4.add(c01, f32x4.mul(a, b1));
    a = v128.load32_splat(pa, 4);
    c10 = f32x4.add(c10, f32x4.mul(a, b0));
    c11 = f32x4.add(c11, f32x4.mul(a, b1));
    a = v128.load32_splat(pa, 8);
    c20 = f32x4.add(c20, f32x4.mul(a, b0));
    c21 = f32x4.add(c21, f32x4.mul(a, b1));
    a = v128.load32_splat(pa, 12);
    c30 = f32x4.add(c30, f32x4.mul(a, b0));
    c31 = f32x4.add(c31, f32x4.mul(a, b1));
    pa += MR << 2;
    pb += NR << 2;
  }
  v128.store(c + 0 * ldc, c00);
  v128.store(c + 0 * ldc, c01, 16);
  v128.store(c + 1 * ldc, c10);
  v128.store(c + 1 * ldc, c11, 16);
  v128.store(c + 2 * ldc, c20);
  v128.store(c + 2 * ldc, c21, 16);
  v128.store(c + 3 * ldc, c30);
  v128.store(c + 3 * ldc, c31, 16);
}

/**
 * C[m x n] (row-major, contiguous) = A * B, where A[i][p] = a[i*ars + p*acs] and
 * B[p][j] = b[p*brs + j*bcs] (strides in elements, so transposed operands need no copy).
 * work points at scratchBytes() bytes of free memory. Requires k >= 1.
 */
export function gemm(m: i32, n: i32, k: i32, a: usize, ars: i32, acs: i32, b: usize, brs: i32, bcs: i32, c: usize, work: usize): void {
  const pA = work;
  const pB = pA + (<usize>(MC_PANELS * KC) << 2);
  const edge = pB + (<usize>(KC * NC_PANELS) << 2);
  const ldc = (<usize>n) << 2;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      const first = pc == 0;
      packB(b, brs, bcs, pc, kc, jc, nc, pB);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic);
        packA(a, ars, acs, ic, mc, pc, kc, pA);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = min(NR, nc - jr);
          const pb = pB + (<usize>(jr * kc) << 2);
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = min(MR, mc - ir);
            const pa = pA + (<usize>(ir * kc) << 2);
            const ct = c + (<usize>(ic + ir) * ldc) + (<usize>(jc + jr) << 2);
            if (mr == MR && nr == NR) {
              micro(pa, pb, kc, ct, ldc, first);
            } else {
              // Edge tile: run the full tile on a scratch copy, write back the valid part.
              for (let r = 0; r < MR; r++) {
                for (let q = 0; q < NR; q++) {
                  const v: f32 = !first && r < mr && q < nr ? load<f32>(ct + <usize>r * ldc + (<usize>q << 2)) : 0;
                  store<f32>(edge + (<usize>(r * NR + q) << 2), v);
                }
              }
              micro(pa, pb, kc, edge, NR << 2, first);
              for (let r = 0; r < mr; r++) {
                for (let q = 0; q < nr; q++) {
                  store<f32>(ct + <usize>r * ldc + (<usize>q << 2), load<f32>(edge + (<usize>(r * NR + q) << 2)));
                }
              }
            }
          }
        }
      }
    }
  }
}
