import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Command } from "commander";
import type { AnyJobResult, TrainUnitResult } from "@maitoken/runtime";
import { createProgress } from "../progress.js";

interface RunOptions {
  json?: boolean;
  out?: string;
  progress: boolean;
}

/**
 * `mai run <spec>`: runs a job spec locally (no chain) and prints its result root.
 * @example
 * mai run examples/mnist-mlp-train-small.json --json --out /tmp/run1
 */
export function runCommand(): Command {
  return new Command("run")
    .description("run a job spec (train, infer or data) locally and print its result root")
    .argument("<spec>", "path of the job spec JSON file")
    .option("--json", "print one JSON line {resultRoot, cu, seconds, accuracy, ...} on stdout")
    .option("--out <dir>", "write result.json (and training checkpoints) into this directory (must be new or empty)")
    .option("--no-progress", "no progress bar on stderr")
    .action(async (file: string, options: RunOptions) => {
      await run(file, options);
    });
}

async function run(file: string, options: RunOptions): Promise<void> {
  // Loaded on use so `mai --help` and other commands start fast.
  const { SpecError, computeUnits, loadSpecFile, runJob } = await import("@maitoken/runtime");
  let loaded: ReturnType<typeof loadSpecFile>;
  try {
    loaded = loadSpecFile(file);
  } catch (err) {
    if (err instanceof SpecError) {
      process.stderr.write(`error: bad spec ${file}\n${err.message.replace(/^/gm, "  ")}\n`);
      process.exitCode = 1;
      return;
    }
    throw err;
  }
  const { spec, baseDir } = loaded;
  const out = options.out ? path.resolve(options.out) : undefined;
  if (out && existsSync(out) && readdirSync(out).length > 0) {
    throw new Error(`--out ${options.out} exists and is not empty; choose a new directory`);
  }
  // Everything is written to a sibling temp directory first and moved in place at the end, so a
  // failed or interrupted run never leaves a half-written result directory.
  const staging = out ? `${out}.partial-${process.pid}` : undefined;
  if (staging) mkdirSync(path.join(staging, "checkpoints"), { recursive: true });
  const interrupted = () => {
    if (staging) rmSync(staging, { recursive: true, force: true });
    process.exit(130);
  };
  process.once("SIGINT", interrupted);
  process.once("SIGTERM", interrupted);

  const progress = createProgress(spec.kind, options.progress);
  const started = performance.now();
  let result: AnyJobResult;
  try {
    result = await runJob(spec, {
      baseDir,
      onProgress: (done, total) => progress.update(done, total),
      keepCheckpoints: false,
      onTrainUnit: staging ? (unit) => writeCheckpoints(staging, unit) : undefined,
    });
  } catch (err) {
    if (staging) rmSync(staging, { recursive: true, force: true });
    throw err;
  } finally {
    progress.stop();
    process.off("SIGINT", interrupted);
    process.off("SIGTERM", interrupted);
  }
  const seconds = (performance.now() - started) / 1000;
  const summary = {
    kind: result.kind,
    specHash: result.specHash,
    resultRoot: result.resultRoot,
    units: result.unitRoots.length,
    cu: result.cu,
    cuPerUnit: computeUnits(spec).cuPerUnit,
    seconds: Math.round(seconds * 1000) / 1000,
    ...(result.accuracy !== undefined ? { accuracy: result.accuracy } : {}),
  };
  if (staging && out) {
    writeFileSync(
      path.join(staging, "result.json"),
      `${JSON.stringify({ ...summary, spec, result: stripBytes(result) }, null, 2)}\n`,
    );
    if (existsSync(out)) rmSync(out, { recursive: true });
    renameSync(staging, out);
  }
  if (options.json) {
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  } else {
    const lines = [
      `${spec.kind} job ${summary.specHash}`,
      `  result root  ${summary.resultRoot}`,
      `  units        ${summary.units} (${summary.cuPerUnit.toPrecision(4)} CU each, ${summary.cu.toPrecision(4)} CU total)`,
      `  time         ${summary.seconds.toFixed(2)} s`,
    ];
    if (summary.accuracy !== undefined) lines.push(`  accuracy     ${(summary.accuracy * 100).toFixed(2)}%`);
    if (out) lines.push(`  written to   ${out}`);
    process.stdout.write(`${lines.join("\n")}\n`);
  }
}

function writeCheckpoints(dir: string, unit: TrainUnitResult): void {
  unit.checkpoints.forEach((bytes, j) => {
    writeFileSync(path.join(dir, "checkpoints", `chain${unit.chain}-unit${unit.unit}-ckpt${j}.bin`), bytes);
  });
}

/** The result without checkpoint bytes (they are written as files). */
function stripBytes(result: AnyJobResult): unknown {
  if (result.kind !== "train") return result;
  return { ...result, units: result.units.map(({ checkpoints, ...u }) => u) };
}
