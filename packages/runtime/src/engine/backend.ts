/**
 * Kernel backend selection and the lazy WebAssembly loader.
 *
 * Both backends produce identical bits (see gemmKernel.ts), so the choice only affects speed.
 * Default: "wasm" when the module builds and instantiates, else "js". MAI_ENGINE_BACKEND=js|wasm
 * forces the initial choice; setBackend() switches at run time (tests compare the two).
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Backend } from "./types.js";

export interface WasmKernels {
  memory: WebAssembly.Memory;
  heapBase: number;
  scratchBytes: number;
  gemm(
    m: number,
    n: number,
    k: number,
    a: number,
    ars: number,
    acs: number,
    b: number,
    brs: number,
    bcs: number,
    c: number,
    work: number,
  ): void;
}

const RUNTIME_PKG = "@maitoken/runtime";

type WasmPaths = { pkgDir: string; wasmPath: string; buildScript: string };
let paths: WasmPaths | undefined;

/**
 * Where build/kernels.wasm and scripts/buildWasm.mjs live. This module runs from its source file
 * (under tsx or in tests) or from the CLI's esbuild bundle (packages/cli/dist), so the package
 * directory cannot be a fixed "../.." from import.meta.url: it is the nearest ancestor whose
 * package.json names @maitoken/runtime, else (from the bundle) wherever the package name resolves.
 */
function wasmPaths(): WasmPaths {
  if (paths) return paths;
  const here = fileURLToPath(import.meta.url);
  const pkgDir =
    findRuntimeDir(path.dirname(here)) ?? findRuntimeDir(path.dirname(createRequire(here).resolve(RUNTIME_PKG)));
  if (!pkgDir) throw new Error(`cannot find the ${RUNTIME_PKG} package directory from ${here}`);
  paths = {
    pkgDir,
    wasmPath: path.join(pkgDir, "build", "kernels.wasm"),
    buildScript: path.join(pkgDir, "scripts", "buildWasm.mjs"),
  };
  return paths;
}

function findRuntimeDir(from: string): string | undefined {
  for (let dir = from; ; dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { name?: unknown };
      if (pkg.name === RUNTIME_PKG) return dir;
    } catch {}
    if (path.dirname(dir) === dir) return undefined;
  }
}

/**
 * True when build/kernels.wasm.sha256 matches the build inputs, hashed exactly as
 * scripts/buildWasm.mjs does (saves spawning the script in every process). If the two ever
 * disagree the script is spawned and decides, so the worst case is only slower.
 */
export function isBuildCurrent(): boolean {
  const { pkgDir, wasmPath, buildScript } = wasmPaths();
  const stamp = `${wasmPath}.sha256`;
  if (!existsSync(wasmPath) || !existsSync(stamp)) return false;
  try {
    const require = createRequire(buildScript);
    const h = createHash("sha256");
    h.update(`asc ${(require("assemblyscript/package.json") as { version: string }).version}\n`);
    h.update(readFileSync(path.join(pkgDir, "asconfig.json")));
    const dir = path.join(pkgDir, "assembly");
    for (const name of readdirSync(dir)
      .filter((n) => n.endsWith(".ts"))
      .sort()) {
      h.update(`\n${name}\n`);
      h.update(readFileSync(path.join(dir, name)));
    }
    return readFileSync(stamp, "utf8").trim() === h.digest("hex");
  } catch {
    return false;
  }
}

let kernels: WasmKernels | undefined;
let loadError: Error | undefined;
let current: Backend | undefined;

/** Builds (if missing or stale) and instantiates build/kernels.wasm, synchronously. */
export function loadWasmKernels(): WasmKernels {
  if (kernels) return kernels;
  if (loadError) throw loadError;
  try {
    const { pkgDir, wasmPath, buildScript } = wasmPaths();
    if (!isBuildCurrent()) {
      execFileSync(process.execPath, [buildScript], {
        cwd: pkgDir,
        stdio: ["ignore", "ignore", "pipe"],
      });
    }
    if (!existsSync(wasmPath)) throw new Error(`missing ${wasmPath}`);
    const module = new WebAssembly.Module(readFileSync(wasmPath));
    const instance = new WebAssembly.Instance(module, {
      env: {
        abort: () => {
          throw new Error("wasm abort");
        },
      },
    });
    const ex = instance.exports as Record<string, unknown>;
    kernels = {
      memory: ex.memory as WebAssembly.Memory,
      heapBase: Number((ex.heapBase as () => number)()),
      scratchBytes: (ex.scratchBytes as () => number)(),
      gemm: ex.gemm as WasmKernels["gemm"],
    };
    return kernels;
  } catch (err) {
    loadError = new Error(`engine: cannot load WebAssembly kernels (${(err as Error).message})`, { cause: err });
    throw loadError;
  }
}

/** Force the kernel backend; "wasm" throws if the module cannot be built or loaded. */
export function setBackend(b: Backend): void {
  if (b === "wasm") loadWasmKernels();
  else if (b !== "js") throw new Error(`setBackend: unknown backend ${String(b)}`);
  current = b;
}

/** Backend in use (resolved on first call). */
export function getBackend(): Backend {
  if (current === undefined) {
    const env = process.env.MAI_ENGINE_BACKEND;
    if (env === "js") current = "js";
    else {
      try {
        loadWasmKernels();
        current = "wasm";
      } catch (err) {
        if (env === "wasm") throw err;
        current = "js";
      }
    }
  }
  return current;
}
