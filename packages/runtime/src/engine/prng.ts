import type { Prng } from "./types.js";

/** SplitMix32 step: expands a seed into well-mixed state words. */
function splitmix32(s: number): [number, number] {
  const next = (s + 0x9e3779b9) >>> 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return [next, (z ^ (z >>> 16)) >>> 0];
}

/**
 * xoshiro128** generator (Blackman & Vigna). A numeric seed is expanded with SplitMix32 over its
 * low and high 32-bit halves; a Uint32Array(4) is taken as the raw state (to resume a checkpoint).
 * nextFloat() = (nextU32() >>> 8) * 2^-24, an exact float32 in [0, 1).
 */
export function createPrng(seed: number | Uint32Array): Prng {
  const s = new Uint32Array(4);
  if (typeof seed === "number") {
    if (!Number.isSafeInteger(seed) || seed < 0)
      throw new Error(`createPrng: seed must be a non-negative safe integer, got ${seed}`);
    let x = (seed >>> 0) ^ Math.imul(Math.floor(seed / 4294967296), 0x27d4eb2d);
    for (let i = 0; i < 4; i++) {
      const [nx, out] = splitmix32(x >>> 0);
      x = nx;
      s[i] = out;
    }
  } else {
    if (seed.length !== 4) throw new Error(`createPrng: state must hold 4 words, got ${seed.length}`);
    s.set(seed);
  }
  if ((s[0] | s[1] | s[2] | s[3]) === 0) s[0] = 1; // the all-zero state is a fixed point

  const rotl = (x: number, k: number): number => ((x << k) | (x >>> (32 - k))) >>> 0;
  const nextU32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  };
  return {
    nextU32,
    nextFloat: () => (nextU32() >>> 8) * 5.9604644775390625e-8,
    state: () => s.slice(),
  };
}
