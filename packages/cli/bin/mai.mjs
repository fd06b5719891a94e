#!/usr/bin/env node
// Launcher. The CLI runs from dist/mai.mjs, an esbuild bundle of src/main.ts: a process then starts
// in a quarter of the time and with 60-85 MB less peak resident memory than under the tsx
// TypeScript loader (it matters most for the miner nodes the devnet spawns, one process each).
//
// The bundle is used only if dist/mai.stamp.json matches the current contents of every input
// (~20 ms to check). If it is stale or missing it is rebuilt first, in a child process (~1 s) so
// esbuild never occupies this process's memory; builds write atomically, so concurrent launches
// are safe. If building or loading the bundle fails, the CLI runs from source through tsx as
// before, with one line on stderr (stdout stays the command's own: `mai devnet --headless` prints
// exactly one JSON line there).
//
// MAI_NO_BUNDLE=1 skips the bundle and always runs the TypeScript sources through tsx (for
// debugging with source positions in stack traces, or to compare the two).
import { spawnSync } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { bundlePaths, isBundleCurrent } from "../scripts/bundleStamp.mjs";

function bundleReady() {
  if (isBundleCurrent()) return true;
  const build = spawnSync(process.execPath, [fileURLToPath(new URL("../scripts/buildBundle.mjs", import.meta.url))], {
    stdio: ["ignore", "ignore", "pipe"],
    encoding: "utf8",
  });
  if (build.status === 0) return true;
  const why = (build.error?.message ?? build.stderr ?? "").trim().split("\n").at(-1);
  process.stderr.write(`mai: cannot build the CLI bundle (${why}); running from source through tsx\n`);
  return false;
}

async function runBundle() {
  if (!bundleReady()) return false;
  try {
    // Only a bundle that fails to load lands here: main.ts catches the command's own errors.
    await import(pathToFileURL(bundlePaths().bundleFile).href);
    return true;
  } catch (err) {
    process.stderr.write(`mai: cannot load the CLI bundle (${err?.message ?? err}); running from source through tsx\n`);
    return false;
  }
}

const noBundle = process.env.MAI_NO_BUNDLE !== undefined && !["", "0"].includes(process.env.MAI_NO_BUNDLE);
if (noBundle || !(await runBundle())) {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../src/main.ts");
}
