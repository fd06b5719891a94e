/** Helpers for the engine's tests only (not exported from index.ts). */
import assert from "node:assert/strict";
import { setBackend } from "./backend.js";
import { canonicalizeNaN } from "./encode.js";
import type { Backend } from "./types.js";

/** Asserts two float32 arrays are bit-identical once NaN payloads are canonicalised. */
export function assertSameBits(a: Float32Array, b: Float32Array, what = "arrays"): void {
  assert.equal(a.length, b.length, `${what}: lengths differ`);
  const x = new Uint32Array(canonicalizeNaN(a).buffer);
  const y = new Uint32Array(canonicalizeNaN(b).buffer);
  for (let i = 0; i < x.length; i++) {
    if (x[i] !== y[i])
      assert.fail(
        `${what}: element ${i} differs: 0x${x[i].toString(16)} (${a[i]}) vs 0x${y[i].toString(16)} (${b[i]})`,
      );
  }
}

/** Runs fn on the JS and then the WASM backend and returns both results. */
export function onBothBackends<T>(fn: () => T): { js: T; wasm: T } {
  const run = (b: Backend): T => {
    setBackend(b);
    try {
      return fn();
    } finally {
      setBackend("wasm");
    }
  };
  return { js: run("js"), wasm: run("wasm") };
}

/** Deterministic pseudo-random float32 data in [-scale, scale) (mulberry32; tests only). */
export function randomData(n: number, seed: number, scale = 1): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1) * scale;
  }
  return out;
}
