// Where the CLI bundle lives and how to tell whether it is current. Plain JS with only node:
// imports, because the launcher (bin/mai.mjs) runs it in every `mai` process before anything else.
//
// dist/mai.stamp.json lists the bundle's inputs (esbuild's metafile, plus the build scripts, the
// esbuild version, package-lock.json and tsconfig.json) and a sha256 of their paths and contents.
// The bundle's first line repeats that hash, so a bundle and a stamp written by two racing builds
// of different sources never pass for each other.
import { createHash } from "node:crypto";
import { closeSync, openSync, readFileSync, readSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const cliDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const repoRoot = path.resolve(cliDir, "..", "..");
export const distDir = path.join(cliDir, "dist");
export const HEADER_PREFIX = "// mai-bundle sha256:";

/** The bundle and its stamp in `outDir` (tests build elsewhere than dist/). */
export function bundlePaths(outDir = distDir) {
  return {
    bundleFile: path.join(outDir, "mai.mjs"),
    stampFile: path.join(outDir, "mai.stamp.json"),
    workerFile: path.join(outDir, "mai-unit-worker.mjs"),
  };
}

/** sha256 (hex) of the inputs' repo-relative paths and contents; throws if one cannot be read. */
export function hashInputs(inputs) {
  const h = createHash("sha256");
  h.update("mai-bundle/1\n");
  for (const rel of inputs) {
    const bytes = readFileSync(path.join(repoRoot, rel));
    h.update(`${rel}\n${bytes.byteLength}\n`);
    h.update(bytes);
  }
  return h.digest("hex");
}

/** The hash on the bundle's (or another file's) first line, or undefined. */
export function bundleHeaderHash(outDir = distDir, file = bundlePaths(outDir).bundleFile) {
  const bundleFile = file;
  let fd;
  try {
    fd = openSync(bundleFile, "r");
  } catch {
    return undefined;
  }
  try {
    const head = Buffer.alloc(HEADER_PREFIX.length + 64);
    const n = readSync(fd, head, 0, head.length, 0);
    const text = head.subarray(0, n).toString("latin1");
    return text.startsWith(HEADER_PREFIX) ? text.slice(HEADER_PREFIX.length) : undefined;
  } finally {
    closeSync(fd);
  }
}

/**
 * True when dist/mai.mjs was built from exactly the current contents of its inputs. Costs one
 * read of every input (about 1300 files, 6 MB: ~20 ms); any error counts as stale.
 */
export function isBundleCurrent(outDir = distDir) {
  try {
    const stamp = JSON.parse(readFileSync(bundlePaths(outDir).stampFile, "utf8"));
    if (typeof stamp.hash !== "string" || !Array.isArray(stamp.inputs)) return false;
    if (bundleHeaderHash(outDir) !== stamp.hash) return false;
    return hashInputs(stamp.inputs) === stamp.hash;
  } catch {
    return false;
  }
}
