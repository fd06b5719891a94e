import type { Prng } from "./types.js";

/** xoshiro128** PRNG (stub). */
export function createPrng(seed: number | Uint32Array): Prng {
  throw new Error(`createPrng: not implemented (${seed})`);
}
