/**
 * Golden result roots: small fixed workloads whose roots are recorded in golden.json, so any
 * platform (another CPU, OS or Node version) can check that it reproduces this runtime bit for
 * bit. `golden.test.ts` recomputes them; after an intentional numeric change (which must bump
 * ENGINE_VERSION) regenerate with:
 *
 *   npx tsx packages/runtime/src/workloads/golden.ts --write
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ENGINE_VERSION, type Hex } from "../engine/index.js";
import { resultRoot } from "../hash/resultRoot.js";
import { parseSpec } from "../spec/parseSpec.js";
import type { InferSpec, TrainSpec } from "../spec/schema.js";
import { runDataJob } from "./runDataJob.js";
import { runInferUnit } from "./infer.js";
import { trainAndExport } from "./trainAndExport.js";

export interface GoldenCase {
  name: string;
  /** Infer cases: the train case whose chain-0 model (exported to ONNX) they run. */
  modelFrom?: string;
  spec: Record<string, unknown>;
  resultRoot: Hex;
  unitRoots: Hex[];
}

const header = { version: 1, engine: ENGINE_VERSION };
const mnist = (split: string, start: number, end: number) => ({ id: "mnist-v1", split, start, end });

/** The specs of the golden cases (roots left empty). */
export function goldenSpecs(): Omit<GoldenCase, "resultRoot" | "unitRoots">[] {
  return [
    {
      name: "train-mlp-sgd",
      spec: {
        ...header,
        kind: "train",
        seed: 1,
        dataset: mnist("train", 0, 1000),
        model: { kind: "mlp", inputSize: 784, hidden: [24, 12], classes: 10, activation: "gelu" },
        optimizer: { kind: "sgd", lr: 0.05, momentum: 0.9 },
        batchSize: 16,
        stepsPerUnit: 6,
        checkpoints: 3,
        unitsPerChain: 2,
        chains: [{}, { optimizer: { lr: 0.02 } }],
      },
    },
    {
      name: "train-mlp-adam-layernorm",
      spec: {
        ...header,
        kind: "train",
        seed: 2,
        dataset: mnist("train", 1000, 2000),
        model: { kind: "mlp", inputSize: 784, hidden: [16], classes: 10, activation: "tanh", layerNorm: true },
        optimizer: { kind: "adam", lr: 0.001, beta1: 0.9, beta2: 0.999, eps: 1e-8 },
        batchSize: 8,
        stepsPerUnit: 4,
        checkpoints: 2,
        unitsPerChain: 1,
        chains: [{}],
      },
    },
    {
      name: "train-cnn",
      spec: {
        ...header,
        kind: "train",
        seed: 3,
        dataset: mnist("train", 0, 500),
        model: {
          kind: "cnn",
          inputShape: [1, 28, 28],
          conv: [{ filters: 4, kernel: 3 }],
          pool: "max",
          hidden: [16],
          classes: 10,
          activation: "relu",
        },
        optimizer: { kind: "sgd", lr: 0.05, momentum: 0.5 },
        batchSize: 8,
        stepsPerUnit: 4,
        checkpoints: 2,
        unitsPerChain: 1,
        chains: [{}],
      },
    },
    {
      name: "infer-exact",
      modelFrom: "train-mlp-sgd",
      spec: {
        ...header,
        kind: "infer",
        mode: "exact",
        model: {
          onnx: "(exported from train-mlp-sgd chain 0)",
          arch: { kind: "mlp", inputSize: 784, hidden: [24, 12], classes: 10, activation: "gelu" },
        },
        dataset: mnist("test", 0, 40),
        itemsPerUnit: 16,
      },
    },
    {
      name: "data",
      spec: {
        ...header,
        kind: "data",
        seed: 4,
        dataset: mnist("test", 100, 160),
        itemsPerUnit: 32,
        transforms: [
          { op: "normalize", mean: 0.1307, std: 0.3081 },
          { op: "avgPool", size: 2 },
          { op: "embed", model: { kind: "mlp", inputSize: 196, hidden: [16, 8], classes: 10, activation: "sigmoid" } },
        ],
        dedup: true,
      },
    },
  ];
}

/** Computes every golden case on this machine. */
export async function computeGolden(): Promise<GoldenCase[]> {
  const out: GoldenCase[] = [];
  const models = new Map<string, Uint8Array>();
  for (const c of goldenSpecs()) {
    const spec = parseSpec(c.spec);
    let unitRoots: Hex[];
    if (spec.kind === "train") {
      const trained = trainAndExport(spec as TrainSpec);
      models.set(c.name, trained.onnx);
      unitRoots = trained.unitRoots;
    } else if (spec.kind === "infer") {
      const bytes = models.get(c.modelFrom ?? "");
      if (!bytes) throw new Error(`golden case ${c.name}: unknown model source ${c.modelFrom}`);
      unitRoots = [];
      const units = Math.ceil(((spec.dataset.end ?? 0) - (spec.dataset.start ?? 0)) / spec.itemsPerUnit);
      for (let i = 0; i < units; i++) unitRoots.push((await runInferUnit(spec as InferSpec, bytes, i)).resultRoot);
    } else {
      unitRoots = runDataJob(spec).unitRoots;
    }
    out.push({ ...c, resultRoot: resultRoot(unitRoots), unitRoots });
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const cases = await computeGolden();
  const text = `${JSON.stringify({ engine: ENGINE_VERSION, cases }, null, 2)}\n`;
  if (process.argv.includes("--write")) writeFileSync(new URL("./golden.json", import.meta.url), text);
  process.stdout.write(text);
}
