/**
 * Device benchmark for `mai bench` (recorded at registration): CU per second this machine
 * sustains per workload kind, measured on real workloads of small fixed specs. CU come from the
 * canonical counter (computeUnits), so figures from different devices compare directly.
 */
import { ENGINE_VERSION, type ModelSpec, getBackend, initParams } from "../engine/index.js";
import { exportOnnx } from "../onnx/exportOnnx.js";
import { getDataset } from "../data/getDataset.js";
import { parseSpec } from "../spec/parseSpec.js";
import type { DataSpec, InferSpec, TrainSpec } from "../spec/schema.js";
import { computeUnits } from "../workloads/computeUnits.js";
import { runDataUnit } from "../workloads/data.js";
import { runInferUnit } from "../workloads/infer.js";
import { runTrainUnit } from "../workloads/train.js";

export interface BenchDeviceReturnType {
  engine: string;
  backend: string;
  /** CU per second for each workload kind. */
  train: number;
  infer: number;
  data: number;
}

const MLP: ModelSpec = { kind: "mlp", inputSize: 784, hidden: [128], classes: 10, activation: "relu" };

export async function benchDevice(options: { seconds?: number } = {}): Promise<BenchDeviceReturnType> {
  const budget = (options.seconds ?? 2) * 1000;
  getDataset("mnist-v1");
  const header = { version: 1, engine: ENGINE_VERSION };

  const train = parseSpec({
    ...header,
    kind: "train",
    seed: 1,
    dataset: { id: "mnist-v1", split: "train" },
    model: MLP,
    optimizer: { kind: "sgd", lr: 0.05, momentum: 0.9 },
    batchSize: 64,
    stepsPerUnit: 10,
    checkpoints: 2,
    unitsPerChain: 1,
    chains: [{}],
  }) as TrainSpec;
  const trainRate = await measure(budget, computeUnits(train).cuPerUnit, () => {
    runTrainUnit(train, { chain: 0, unit: 0 });
  });

  const infer = parseSpec({
    ...header,
    kind: "infer",
    mode: "exact",
    model: { onnx: "bench.onnx", arch: MLP },
    dataset: { id: "mnist-v1", split: "test", start: 0, end: 1000 },
    itemsPerUnit: 250,
  }) as InferSpec;
  const modelBytes = exportOnnx(MLP, initParams(MLP, 1));
  let unit = 0;
  const inferRate = await measure(budget, computeUnits(infer).cuPerUnit, async () => {
    await runInferUnit(infer, modelBytes, unit++ % 4);
  });

  const data = parseSpec({
    ...header,
    kind: "data",
    seed: 1,
    dataset: { id: "mnist-v1", split: "test", start: 0, end: 1000 },
    itemsPerUnit: 250,
    transforms: [
      { op: "normalize", mean: 0.1307, std: 0.3081 },
      { op: "embed", model: { ...MLP, hidden: [256, 64] } },
    ],
  }) as DataSpec;
  const dataRate = await measure(budget, computeUnits(data).cuPerUnit, () => {
    runDataUnit(data, unit++ % 4);
  });

  return { engine: ENGINE_VERSION, backend: getBackend(), train: trainRate, infer: inferRate, data: dataRate };
}

/** Runs `work` (one unit of `cuPerRun` CU) after one warm-up run until `budgetMs` passes; returns CU/s. */
async function measure(budgetMs: number, cuPerRun: number, work: () => unknown): Promise<number> {
  await work();
  let runs = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    await work();
    runs++;
    elapsed = performance.now() - start;
  } while (elapsed < budgetMs);
  return (runs * cuPerRun) / (elapsed / 1000);
}
