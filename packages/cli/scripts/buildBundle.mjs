#!/usr/bin/env node
// Bundles the CLI (src/main.ts and every workspace package and dependency it reaches) into one
// ESM file, dist/mai.mjs, with esbuild, so `mai` processes run without the tsx loader: 60-85 MB
// less peak resident memory and 0.75 s less start time per process, which matters most for the
// miner nodes the devnet spawns. bin/mai.mjs runs this on demand whenever dist/mai.stamp.json
// says the bundle is stale, so no install hook is needed and the bundle always matches the sources.
//
// Kept out of the bundle (EXTERNAL): packages with native addons or that read files relative to
// their own package directory, and big ones the CLI only spawns or resolves. better-sqlite3 and
// onnxruntime-node are CommonJS and only some commands need them, so they are loaded by a lazy
// require() where they are first used instead of by a static import that every command would pay for.
//
// Writes are atomic (temp file, then rename), so concurrent builds never leave a torn bundle.
import { randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import * as esbuild from "esbuild";
import { HEADER_PREFIX, bundlePaths, cliDir, distDir, hashInputs, repoRoot } from "./bundleStamp.mjs";

const EXTERNAL = ["better-sqlite3", "onnxruntime-node", "mnist", "solc", "@foundry-rs/*"];
const LAZY_CJS = new Set(["better-sqlite3", "onnxruntime-node"]);
const EXTERNAL_RE = new RegExp(
  `^(${EXTERNAL.map((e) => e.replace(/[.*+?^${}()|[\]\\]/g, (c) => (c === "*" ? "[^/]+" : `\\${c}`))).join("|")})(/.*)?$`,
);
// Files that shape the bundle but are not in esbuild's metafile.
const EXTRA_INPUTS = [
  fileURLToPath(import.meta.url),
  fileURLToPath(new URL("bundleStamp.mjs", import.meta.url)),
  path.join(repoRoot, "tsconfig.json"),
].map((file) => path.relative(repoRoot, file));
// An input whose mtime is this close to the build start or later may have changed under esbuild
// (file times come from the kernel's coarse clock, a few ms behind Date.now()).
const MTIME_SLACK_MS = 30;

function externalsPlugin(bundleFile) {
  return {
    name: "mai-externals",
    setup(build) {
      build.onResolve({ filter: EXTERNAL_RE }, (args) => {
        if (args.namespace === "file") assertSameResolution(args.path, args.importer, bundleFile);
        if (args.kind === "import-statement" && LAZY_CJS.has(args.path)) {
          return { path: args.path, namespace: "mai-lazy-cjs" };
        }
        return { path: args.path, external: true };
      });
      // esbuild wraps a CommonJS module in a function that runs on first use, so the addon loads
      // only when a module that imports it is initialised.
      build.onLoad({ filter: /.*/, namespace: "mai-lazy-cjs" }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(args.path)});`,
        loader: "js",
      }));
    },
  };
}

/** An external is resolved from dist/ at run time; refuse to build if that finds another copy. */
function assertSameResolution(specifier, importer, bundleFile) {
  const resolve = (from) => {
    try {
      return createRequire(from).resolve(specifier);
    } catch {
      return undefined;
    }
  };
  const fromSource = resolve(importer);
  const fromBundle = resolve(bundleFile);
  if (fromSource !== fromBundle) {
    throw new Error(
      `${specifier} resolves to ${fromSource} from ${importer} but to ${fromBundle} from the bundle; hoist it or bundle it`,
    );
  }
}

function writeAtomic(file, data) {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    writeFileSync(temp, data);
    renameSync(temp, file);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
}

/** Temp files of builds that were killed before their rename. */
function removeOldTempFiles(dir) {
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name);
    try {
      if (name.endsWith(".tmp") && Date.now() - statSync(file).mtimeMs > 10 * 60_000) rmSync(file, { force: true });
    } catch {}
  }
}

function relativeInputs(metafile) {
  const inputs = new Set(EXTRA_INPUTS);
  const require = createRequire(path.join(cliDir, "package.json"));
  inputs.add(path.relative(repoRoot, require.resolve("esbuild/package.json")));
  try {
    statSync(path.join(repoRoot, "package-lock.json"));
    inputs.add("package-lock.json");
  } catch {}
  for (const key of Object.keys(metafile.inputs)) {
    if (!key.startsWith("mai-lazy-cjs:")) inputs.add(key);
  }
  return [...inputs].sort();
}

/** What both bundles (the CLI's and the compute worker's) are built with. */
function esbuildOptions(bundleFile) {
  return {
    absWorkingDir: repoRoot,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    // Bundled CommonJS dependencies call require(); ESM has none, so give the bundle one.
    banner: {
      js: 'import { createRequire as __maiCreateRequire } from "node:module";\nconst require = __maiCreateRequire(import.meta.url);',
    },
    // Bundling renames clashing top-level names; keep .name, which logs (error types) and
    // fastify plugins read. Whitespace and syntax minification save ~7 MB of resident source text
    // per process; identifiers stay readable in stack traces (use MAI_NO_BUNDLE=1 for source lines).
    keepNames: true,
    minifyWhitespace: true,
    minifySyntax: true,
    plugins: [externalsPlugin(bundleFile)],
    metafile: true,
    write: false,
    logLevel: "warning",
  };
}

/** The compute worker's bundle, or undefined if it would need an input the main bundle does not have. */
async function buildWorker(bundleFile, mainInputs) {
  const result = await esbuild.build({
    ...esbuildOptions(bundleFile),
    stdin: {
      contents: 'import { serveUnits } from "./unitWorker.ts";\nserveUnits();\n',
      resolveDir: path.join(repoRoot, "packages", "node", "src", "compute"),
      sourcefile: "unit-worker-entry.ts",
      loader: "ts",
    },
    outfile: bundlePaths(path.dirname(bundleFile)).workerFile,
  });
  // The entry text above is part of this script (an input of the stamp); every file it reaches must be too.
  const missing = Object.keys(result.metafile.inputs).filter(
    (k) => !k.startsWith("mai-lazy-cjs:") && !k.endsWith("unit-worker-entry.ts") && !mainInputs.has(k),
  );
  return missing.length === 0 ? result.outputFiles[0].contents : undefined;
}

/**
 * Builds dist/mai.mjs and dist/mai.stamp.json (or `entry` into `outDir`: tests). If an input
 * changes while esbuild runs, it builds again (up to 3 times); if the sources never hold still, it
 * writes the bundle without a stamp, so the next launch rebuilds.
 * @example await buildBundle() // { hash: "9f2c…", inputs: 1338, bytes: 3532038, ms: 640 }
 */
export async function buildBundle({ entry = path.join(cliDir, "src", "main.ts"), outDir = distDir } = {}) {
  const { bundleFile, stampFile } = bundlePaths(outDir);
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    const buildStart = Date.now();
    const result = await esbuild.build({ ...esbuildOptions(bundleFile), entryPoints: [entry], outfile: bundleFile });
    const inputs = relativeInputs(result.metafile);
    const hash = hashInputs(inputs);
    const settled = inputs.every((rel) => statSync(path.join(repoRoot, rel)).mtimeMs < buildStart - MTIME_SLACK_MS);
    if (!settled && attempt < 3) continue;
    const code = result.outputFiles[0].contents;
    const header = Buffer.from(`${HEADER_PREFIX}${hash}\n`, "latin1");
    mkdirSync(path.dirname(bundleFile), { recursive: true });
    removeOldTempFiles(path.dirname(bundleFile));
    // The node's compute worker thread gets a bundle of its own code only (the runtime): loading the
    // whole CLI bundle cost a worker about 35 MB. Written before the main bundle and under the same
    // header, so a worker file matching the main bundle's header comes from the same sources.
    const worker = await buildWorker(bundleFile, new Set(inputs));
    if (worker) writeAtomic(bundlePaths(path.dirname(bundleFile)).workerFile, Buffer.concat([header, worker]));
    writeAtomic(bundleFile, Buffer.concat([header, code]));
    if (settled) {
      const stamp = { hash, esbuild: esbuild.version, inputs };
      writeAtomic(stampFile, `${JSON.stringify(stamp, null, 1)}\n`);
    } else {
      rmSync(stampFile, { force: true });
    }
    return { hash, inputs: inputs.length, bytes: header.length + code.length, ms: Date.now() - started };
  }
}

// node buildBundle.mjs [--entry <file.ts> --out-dir <dir>]
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const { values } = parseArgs({ options: { entry: { type: "string" }, "out-dir": { type: "string" } } });
    const outDir = values["out-dir"] && path.resolve(values["out-dir"]);
    const r = await buildBundle({ entry: values.entry && path.resolve(values.entry), outDir });
    const file = path.relative(process.cwd(), bundlePaths(outDir).bundleFile);
    process.stderr.write(
      `buildBundle: wrote ${file} (${(r.bytes / 1e6).toFixed(1)} MB, ${r.inputs} inputs, ${r.ms} ms)\n`,
    );
  } catch (err) {
    process.stderr.write(`buildBundle: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
}
