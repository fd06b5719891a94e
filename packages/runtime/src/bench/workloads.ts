/**
 * Workload benchmarks for `npm run bench:runtime`, one JSON object per line:
 *   {"metric":"train_steps_per_s","model":"mlp|cnn","value":X,"batch":B,"clock":"cpu"}
 *   {"metric":"verify_fraction","value":x,"segments":K,"clock":"cpu"}
 *       auditor time (replay one segment from checkpoint j, hash checkpoint j+1) over miner time
 *       (the whole unit: S steps and K+1 checkpoints), for the MLP example's unit
 *   {"metric":"accuracy","model":"mlp|cnn","value":x,"seconds":s,"clock":"cpu"}
 *       test accuracy of the full example specs (best chain), and the time they took
 * Times are process CPU time by default (the machine is shared; single-threaded work makes CPU
 * time equal wall time on an idle machine); --clock wall measures wall time instead.
 *
 *   npx tsx packages/runtime/src/bench/workloads.ts [--no-accuracy] [--clock cpu|wall]
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { getDataset } from "../data/getDataset.js";
import { loadSpecFile } from "../spec/loadSpecFile.js";
import type { TrainSpec } from "../spec/schema.js";
import { runTrainJob } from "../workloads/runTrainJob.js";
import { runTrainUnit, verifySegment } from "../workloads/train.js";

type Clock = "cpu" | "wall";

const examples = fileURLToPath(new URL("../../../../examples/", import.meta.url));

function loadTrain(name: string): TrainSpec {
  const { spec } = loadSpecFile(path.join(examples, name));
  if (spec.kind !== "train") throw new Error(`${name} is not a train spec`);
  return spec;
}

function timer(clock: Clock): () => number {
  if (clock === "wall") {
    const t0 = performance.now();
    return () => (performance.now() - t0) / 1000;
  }
  const t0 = process.cpuUsage();
  return () => {
    const d = process.cpuUsage(t0);
    return (d.user + d.system) / 1e6;
  };
}

export interface BenchWorkloadsParameters {
  clock?: Clock;
  accuracy?: boolean;
  print?: (line: object) => void;
}

export function benchWorkloads(p: BenchWorkloadsParameters = {}): object[] {
  const clock = p.clock ?? "cpu";
  const lines: object[] = [];
  const emit = (line: object) => {
    lines.push(line);
    p.print?.(line);
  };
  getDataset("mnist-v1");
  const mlp = loadTrain("mnist-mlp-train.json");
  const cnn = loadTrain("mnist-cnn-train.json");

  for (const [model, spec, steps] of [
    ["mlp", mlp, 100],
    ["cnn", cnn, 40],
  ] as const) {
    const short: TrainSpec = { ...spec, stepsPerUnit: steps, checkpoints: 1, unitsPerChain: 1, chains: [{}] };
    runTrainUnit({ ...short, stepsPerUnit: 5 }, { chain: 0, unit: 0 });
    const elapsed = timer(clock);
    runTrainUnit(short, { chain: 0, unit: 0 });
    emit({ metric: "train_steps_per_s", model, value: round(steps / elapsed()), batch: spec.batchSize, clock });
  }

  const minerTime = timer(clock);
  const unit = runTrainUnit(mlp, { chain: 0, unit: 0 });
  const miner = minerTime();
  let auditor = 0;
  for (let j = 0; j < mlp.checkpoints; j++) {
    const t = timer(clock);
    const h = verifySegment(mlp, unit, j, unit.checkpoints[j] as Uint8Array);
    auditor += t();
    if (h !== unit.checkpointHashes[j + 1]) throw new Error(`segment ${j} did not replay`);
  }
  emit({
    metric: "verify_fraction",
    value: round(auditor / mlp.checkpoints / miner),
    segments: mlp.checkpoints,
    clock,
  });

  if (p.accuracy !== false) {
    for (const [model, spec] of [
      ["mlp", mlp],
      ["cnn", cnn],
    ] as const) {
      const elapsed = timer(clock);
      const job = runTrainJob(spec, { keepCheckpoints: false });
      emit({ metric: "accuracy", model, value: round(job.accuracy ?? Number.NaN), seconds: round(elapsed()), clock });
    }
  }
  return lines;
}

function round(x: number): number {
  return Math.round(x * 10000) / 10000;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const clockAt = args.indexOf("--clock");
  const clock = (clockAt >= 0 ? args[clockAt + 1] : "cpu") as Clock;
  if (clock !== "cpu" && clock !== "wall") throw new Error(`--clock must be cpu or wall, got ${clock}`);
  benchWorkloads({ clock, accuracy: !args.includes("--no-accuracy"), print: (l) => console.log(JSON.stringify(l)) });
}
