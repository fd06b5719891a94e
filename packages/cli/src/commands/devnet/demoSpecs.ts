import type { InferSpec, TrainSpec } from "@maitoken/runtime";

export type DemoSizes = {
  chains: number;
  unitsPerChain: number;
  steps: number;
  hidden: number;
  /** Training minibatch size. */
  batchSize: number;
  /** Filters of each 3x3 conv layer: a CNN instead of the MLP when non-empty. */
  conv: number[];
  inferSplit: "train" | "test";
  inferItems: number;
  itemsPerUnit: number;
};

/**
 * The devnet's MNIST training job: an MLP trained in `chains` independent chains (a learning-rate
 * sweep) of `unitsPerChain` chained PoL units each, scored on the test split.
 */
export function demoTrainSpec(sizes: DemoSizes): TrainSpec {
  const lrs = [0.1, 0.05, 0.2, 0.02, 0.15, 0.08, 0.12, 0.03];
  return {
    version: 1,
    engine: "mai-engine/1",
    kind: "train",
    seed: 7,
    dataset: { id: "mnist-v1", split: "train" },
    model:
      sizes.conv.length > 0
        ? {
            kind: "cnn",
            inputShape: [1, 28, 28],
            conv: sizes.conv.map((filters) => ({ filters, kernel: 3 })),
            pool: "max",
            hidden: [sizes.hidden],
            classes: 10,
            activation: "relu",
          }
        : { kind: "mlp", inputSize: 784, hidden: [sizes.hidden], classes: 10, activation: "relu" },
    optimizer: { kind: "sgd", lr: 0.1, momentum: 0.9 },
    batchSize: sizes.batchSize,
    stepsPerUnit: sizes.steps,
    checkpoints: 4,
    unitsPerChain: sizes.unitsPerChain,
    chains: Array.from({ length: sizes.chains }, (_, i) => ({ optimizer: { lr: lrs[i % lrs.length] as number } })),
    eval: { id: "mnist-v1", split: "test", start: 0, end: 1000 },
  };
}

/**
 * Batch inference over `sizes.inferItems` images of a split (the test split by default) from `start`,
 * with the model the training job produced (exported to ONNX).
 */
export function demoInferSpec(
  sizes: DemoSizes,
  train: TrainSpec,
  onnxFile: string,
  sha256: `0x${string}`,
  start = 0,
): InferSpec {
  return {
    version: 1,
    engine: "mai-engine/1",
    kind: "infer",
    mode: "exact",
    model: { onnx: onnxFile, sha256, arch: train.model },
    dataset: { id: "mnist-v1", split: sizes.inferSplit, start, end: start + sizes.inferItems },
    itemsPerUnit: sizes.itemsPerUnit,
  };
}
