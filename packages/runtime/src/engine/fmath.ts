/**
 * Deterministic float32 elementary functions.
 *
 * Every intermediate is rounded to float32 with Math.fround and only IEEE-754 correctly rounded
 * operations (+ - * / sqrt) and exact bit manipulation are used, so the result is the same bit
 * pattern on every JS engine and CPU. Math.exp/log/tanh/pow are never called: their accuracy is
 * implementation-defined. Algorithms (Cody-Waite range reduction + minimax polynomials in the style
 * of Cephes' single-precision library) are documented in docs/RUNTIME.md, section "Engine".
 */
const f = Math.fround;

const scratchF = new Float32Array(1);
const scratchU = new Uint32Array(scratchF.buffer);

/** 2^n as a float32 for n in [-126, 127] (exact, built from bits). */
function pow2(n: number): number {
  scratchU[0] = ((n + 127) << 23) >>> 0;
  return scratchF[0] as number;
}

const LOG2E = f(Math.LOG2E);
const LN2_HI = f(0.693145751953125); // 0x3f317200: 9 trailing zero bits, so n*LN2_HI is exact
const LN2_LO = f(1.4286068e-6); // 0x35bfbe8e, ln2 - LN2_HI
const EXP_MAX = f(88.72283935546875); // largest x with finite expf(x)
const EXP_MIN = f(-103.97208404541016); // below: result rounds to +0
const E1 = f(1.98756915e-4);
const E2 = f(1.3981999507e-3);
const E3 = f(8.3334519073e-3);
const E4 = f(4.1665795894e-2);
const E5 = f(1.6666665459e-1);
const E6 = f(5.0000001201e-1);

/** float32 e^x. */
export function fexp(x: number): number {
  x = f(x);
  if (Number.isNaN(x)) return Number.NaN;
  if (x > EXP_MAX) return Number.POSITIVE_INFINITY;
  if (x < EXP_MIN) return 0;
  // n = nearest integer to x/ln2 (ties upward); r = x - n*ln2 in two exact-ish steps.
  const n = Math.floor(f(f(x * LOG2E) + 0.5));
  let r = f(x - f(n * LN2_HI));
  r = f(r - f(n * LN2_LO));
  const z = f(r * r);
  let p = E1;
  p = f(f(p * r) + E2);
  p = f(f(p * r) + E3);
  p = f(f(p * r) + E4);
  p = f(f(p * r) + E5);
  p = f(f(p * r) + E6);
  let y = f(f(f(p * z) + r) + 1);
  // Scale by 2^n without overflowing/underflowing the exponent field in an intermediate.
  if (n > 127) y = f(f(y * pow2(127)) * pow2(n - 127));
  else if (n < -126) y = f(f(y * pow2(n + 64)) * pow2(-64));
  else y = f(y * pow2(n));
  return y;
}

const SQRTH = f(Math.SQRT1_2);
const L1 = f(7.0376836292e-2);
const L2 = f(-1.151461031e-1);
const L3 = f(1.167699874e-1);
const L4 = f(-1.2420140846e-1);
const L5 = f(1.4249322787e-1);
const L6 = f(-1.6668057665e-1);
const L7 = f(2.0000714765e-1);
const L8 = f(-2.4999993993e-1);
const L9 = f(3.3333331174e-1);
const LG_LO = f(-2.1219444e-4);
const LG_HI = f(0.693359375);

/** float32 natural logarithm. */
export function flog(x: number): number {
  x = f(x);
  if (Number.isNaN(x) || x < 0) return Number.NaN;
  if (x === 0) return Number.NEGATIVE_INFINITY;
  if (x === Number.POSITIVE_INFINITY) return x;
  let e = 0;
  if (x < 1.1754943508222875e-38) {
    // subnormal: scale into the normal range exactly
    x = f(x * 33554432); // 2^25
    e = -25;
  }
  scratchF[0] = x;
  const bits = scratchU[0] as number;
  e += (bits >>> 23) - 126;
  scratchU[0] = ((bits & 0x007fffff) | 0x3f000000) >>> 0; // mantissa in [0.5, 1)
  let m = scratchF[0] as number;
  // Bring m into [sqrt(1/2), sqrt(2)) so that the polynomial argument is small.
  if (m < SQRTH) {
    e -= 1;
    m = f(f(m + m) - 1);
  } else {
    m = f(m - 1);
  }
  const z = f(m * m);
  let p = L1;
  p = f(f(p * m) + L2);
  p = f(f(p * m) + L3);
  p = f(f(p * m) + L4);
  p = f(f(p * m) + L5);
  p = f(f(p * m) + L6);
  p = f(f(p * m) + L7);
  p = f(f(p * m) + L8);
  p = f(f(p * m) + L9);
  let y = f(f(p * m) * z);
  y = f(y + f(LG_LO * e));
  y = f(y - f(0.5 * z));
  let r = f(m + y);
  r = f(r + f(LG_HI * e));
  return r;
}

const T1 = f(-5.70498872745e-3);
const T2 = f(2.06390887954e-2);
const T3 = f(-5.37397155531e-2);
const T4 = f(1.33314422036e-1);
const T5 = f(-3.33332819422e-1);

/** float32 hyperbolic tangent. */
export function ftanh(x: number): number {
  x = f(x);
  if (Number.isNaN(x)) return Number.NaN;
  const ax = Math.abs(x);
  if (ax > 10) return x > 0 ? 1 : -1; // tanh(10) rounds to 1 in float32
  if (ax >= 0.625) {
    // 1 - 2/(e^{2|x|}+1): no cancellation for |x| >= 0.625
    const t = fexp(f(ax + ax));
    const y = f(1 - f(2 / f(t + 1)));
    return x < 0 ? -y : y;
  }
  if (x === 0) return x; // keep the sign of zero
  const z = f(x * x);
  let p = T1;
  p = f(f(p * z) + T2);
  p = f(f(p * z) + T3);
  p = f(f(p * z) + T4);
  p = f(f(p * z) + T5);
  return f(f(f(p * z) * x) + x);
}
