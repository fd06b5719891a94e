/**
 * The single matrix-product primitive every dense/conv op goes through.
 *
 * C[i][j] = sum over p = 0..k-1, in increasing p, starting from +0, of fround(A[i][p]*B[p][j]),
 * each addition rounded to float32. This is exactly the order of the WASM SIMD kernel (which
 * vectorises over j and blocks over p without reordering any element's additions), so both
 * backends give the same bits. Operands are addressed by element strides so transposes are free.
 */
import { getBackend, loadWasmKernels } from "./backend.js";

export interface StridedMatrix {
  data: Float32Array;
  /** element stride between rows */
  rs: number;
  /** element stride between columns */
  cs: number;
}

/** Reference JS path. */
export function gemmJs(m: number, n: number, k: number, a: StridedMatrix, b: StridedMatrix): Float32Array {
  const c = new Float32Array(m * n);
  // Contiguous copy of B rows so the inner loop is unit-stride.
  let bd = b.data;
  if (b.cs !== 1 || b.rs !== n) {
    bd = new Float32Array(k * n);
    for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) bd[p * n + j] = b.data[p * b.rs + j * b.cs];
  }
  const ad = a.data;
  const f = Math.fround;
  let i = 0;
  // Four rows of C per pass over B (B rows are read once per four A rows); each element still
  // receives its products in increasing p.
  for (; i + 3 < m; i += 4) {
    const r0 = c.subarray(i * n, i * n + n);
    const r1 = c.subarray((i + 1) * n, (i + 2) * n);
    const r2 = c.subarray((i + 2) * n, (i + 3) * n);
    const r3 = c.subarray((i + 3) * n, (i + 4) * n);
    for (let p = 0; p < k; p++) {
      const a0 = ad[i * a.rs + p * a.cs];
      const a1 = ad[(i + 1) * a.rs + p * a.cs];
      const a2 = ad[(i + 2) * a.rs + p * a.cs];
      const a3 = ad[(i + 3) * a.rs + p * a.cs];
      const off = p * n;
      // Float32Array stores round the (double) sum to float32: one rounding per addition.
      for (let j = 0; j < n; j++) {
        const bv = bd[off + j];
        r0[j] = r0[j] + f(a0 * bv);
        r1[j] = r1[j] + f(a1 * bv);
        r2[j] = r2[j] + f(a2 * bv);
        r3[j] = r3[j] + f(a3 * bv);
      }
    }
  }
  for (; i < m; i++) {
    const row = c.subarray(i * n, i * n + n);
    for (let p = 0; p < k; p++) {
      const av = ad[i * a.rs + p * a.cs];
      const off = p * n;
      for (let j = 0; j < n; j++) row[j] = row[j] + f(av * bd[off + j]);
    }
  }
  return c;
}

let heapTop = 0;

/** WASM path: copies operands into linear memory (grown on demand, reused across calls). */
export function gemmWasm(m: number, n: number, k: number, a: StridedMatrix, b: StridedMatrix): Float32Array {
  if (m === 0 || n === 0 || k === 0) return new Float32Array(m * n);
  const w = loadWasmKernels();
  const align = (x: number): number => (x + 63) & ~63;
  const aLen = a.data.length;
  const bLen = b.data.length;
  const aOff = align(w.heapBase);
  const bOff = align(aOff + 4 * aLen);
  const cOff = align(bOff + 4 * bLen);
  const work = align(cOff + 4 * m * n);
  const end = work + w.scratchBytes;
  if (end > heapTop || end > w.memory.buffer.byteLength) {
    const have = w.memory.buffer.byteLength;
    if (end > have) w.memory.grow(Math.ceil((end - have) / 65536));
    heapTop = end;
  }
  const heap = new Float32Array(w.memory.buffer);
  heap.set(a.data, aOff >> 2);
  heap.set(b.data, bOff >> 2);
  w.gemm(m, n, k, aOff, a.rs, a.cs, bOff, b.rs, b.cs, cOff, work);
  return heap.slice(cOff >> 2, (cOff >> 2) + m * n);
}

/** C = A * B on the current backend. */
export function gemmKernel(m: number, n: number, k: number, a: StridedMatrix, b: StridedMatrix): Float32Array {
  return getBackend() === "wasm" ? gemmWasm(m, n, k, a, b) : gemmJs(m, n, k, a, b);
}
