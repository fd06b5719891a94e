/** Small fixed specs shared by the workload tests, the golden file and the benches. */
import { ENGINE_VERSION } from "../engine/index.js";
import { parseSpec } from "../spec/parseSpec.js";
import type { DataSpec, TrainSpec } from "../spec/schema.js";

export function smallTrainSpec(overrides: Partial<TrainSpec> = {}): TrainSpec {
  const spec = parseSpec({
    version: 1,
    engine: ENGINE_VERSION,
    kind: "train",
    seed: 11,
    dataset: { id: "mnist-v1", split: "train", start: 0, end: 2000 },
    model: { kind: "mlp", inputSize: 784, hidden: [16], classes: 10, activation: "relu" },
    optimizer: { kind: "sgd", lr: 0.05, momentum: 0.9 },
    batchSize: 16,
    stepsPerUnit: 8,
    checkpoints: 4,
    unitsPerChain: 2,
    chains: [{}, { optimizer: { lr: 0.1 } }],
    ...overrides,
  });
  if (spec.kind !== "train") throw new Error("unreachable");
  return spec;
}

export function smallDataSpec(): DataSpec {
  const spec = parseSpec({
    version: 1,
    engine: ENGINE_VERSION,
    kind: "data",
    seed: 5,
    dataset: { id: "mnist-v1", split: "test", start: 0, end: 60 },
    itemsPerUnit: 25,
    transforms: [
      { op: "normalize", mean: 0.1307, std: 0.3081 },
      { op: "avgPool", size: 2 },
      { op: "embed", model: { kind: "mlp", inputSize: 196, hidden: [32, 8], classes: 10, activation: "tanh" } },
    ],
    dedup: true,
  });
  if (spec.kind !== "data") throw new Error("unreachable");
  return spec;
}
