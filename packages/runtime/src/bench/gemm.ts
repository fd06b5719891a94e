/**
 * GEMM throughput of the engine (JS path, WASM SIMD path) against onnxruntime-node's MatMul, all
 * single-threaded and in the same process. Prints one JSON line per (impl, size):
 *   {"metric":"gemm_gflops","impl":"engine|engine-wasm|onnxruntime","size":N,"gflops":X,"clock":"cpu"}
 * GFLOP/s = 2*N^3 / median wall time of `reps` runs after a warm-up; engine-wasm and onnxruntime
 * runs alternate so that background load affects both alike.
 * Run: npx tsx packages/runtime/src/bench/gemm.ts [--sizes 128,256,512] [--reps 15] [--clock cpu|wall]
 */
import { fileURLToPath } from "node:url";
import * as ort from "onnxruntime-node";
import { setBackend } from "../engine/backend.js";
import { matmul } from "../engine/matmul.js";
import type { Tensor } from "../engine/types.js";
import { matmulOnnxModel } from "./matmulOnnx.js";

export interface GemmBenchResult {
  metric: "gemm_gflops";
  impl: "engine" | "engine-wasm" | "onnxruntime";
  size: number;
  gflops: number;
  /** what was timed: process CPU time (default) or wall time */
  clock: Clock;
}

export interface GemmBenchParameters {
  sizes?: number[];
  reps?: number;
  /** skip the (slow) pure-JS engine path above this size */
  maxJsSize?: number;
  /**
   * "cpu" (default) times process CPU time, which other processes on a shared machine barely
   * disturb (all three contenders are single-threaded); "wall" times elapsed time.
   */
  clock?: Clock;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

type Clock = "cpu" | "wall";

/** Milliseconds of one run of fn: process CPU time (user + system, all threads) or wall time. */
async function timeOnce(clock: Clock, fn: () => unknown | Promise<unknown>): Promise<number> {
  if (clock === "wall") {
    const t = performance.now();
    await fn();
    return performance.now() - t;
  }
  const c = process.cpuUsage();
  await fn();
  const d = process.cpuUsage(c);
  return (d.user + d.system) / 1000;
}

/** Median of `reps` timed runs after one warm-up run. */
async function timeMs(clock: Clock, reps: number, fn: () => unknown | Promise<unknown>): Promise<number> {
  await fn();
  const ts: number[] = [];
  for (let r = 0; r < reps; r++) ts.push(await timeOnce(clock, fn));
  return median(ts);
}

function filled(n: number, seed: number): Float32Array {
  const a = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    a[i] = (s >>> 8) / 16777216 - 0.5;
  }
  return a;
}

/** Runs the benchmark and returns one result per (impl, size). */
export async function runGemmBench(params: GemmBenchParameters = {}): Promise<GemmBenchResult[]> {
  const sizes = params.sizes ?? [128, 256, 512];
  const reps = params.reps ?? 15;
  const maxJs = params.maxJsSize ?? 512;
  const clock = params.clock ?? "cpu";
  const out: GemmBenchResult[] = [];
  for (const n of sizes) {
    const a: Tensor = { shape: [n, n], data: filled(n * n, 1) };
    const b: Tensor = { shape: [n, n], data: filled(n * n, 2) };
    const gflops = (ms: number): number => Math.round(((2 * n * n * n) / (ms * 1e6)) * 100) / 100;
    if (n <= maxJs) {
      setBackend("js");
      out.push({
        metric: "gemm_gflops",
        impl: "engine",
        size: n,
        gflops: gflops(await timeMs(clock, Math.min(reps, 3), () => matmul(a, b))),
        clock,
      });
    }
    const session = await ort.InferenceSession.create(matmulOnnxModel(n, n, n), {
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      executionMode: "sequential",
    });
    const feeds = { A: new ort.Tensor("float32", a.data, [n, n]), B: new ort.Tensor("float32", b.data, [n, n]) };
    // Alternate the two contenders rep by rep so that load from other processes hits both alike.
    setBackend("wasm");
    matmul(a, b);
    await session.run(feeds);
    const tw: number[] = [];
    const to: number[] = [];
    for (let r = 0; r < reps; r++) {
      tw.push(await timeOnce(clock, () => matmul(a, b)));
      to.push(await timeOnce(clock, () => session.run(feeds)));
    }
    out.push({ metric: "gemm_gflops", impl: "engine-wasm", size: n, gflops: gflops(median(tw)), clock });
    out.push({ metric: "gemm_gflops", impl: "onnxruntime", size: n, gflops: gflops(median(to)), clock });
    await session.release();
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const arg = (name: string): string | undefined => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? process.argv[i + 1] : undefined;
  };
  const sizes = arg("--sizes")?.split(",").map(Number);
  const reps = arg("--reps") ? Number(arg("--reps")) : undefined;
  const clock = arg("--clock") === "wall" ? "wall" : "cpu";
  for (const r of await runGemmBench({ sizes, reps, clock })) console.log(JSON.stringify(r));
}
