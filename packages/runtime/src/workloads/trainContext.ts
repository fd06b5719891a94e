/**
 * Everything a chain of a training job needs that is fixed by the spec: model, the chain's
 * optimizer (job optimizer with the chain's overrides), its seed, the data split and the data
 * order. Built once per (spec, chain) and shared by miners and auditors alike.
 */
import type { ModelSpec, OptimizerSpec, Tensor } from "../engine/index.js";
import { createDataOrder, type DataOrder } from "../data/createDataOrder.js";
import { getDataset } from "../data/getDataset.js";
import type { DataSplit } from "../data/loadMnist.js";
import { itemRange } from "../spec/itemRange.js";
import type { TrainSpec } from "../spec/schema.js";

export interface TrainContext {
  spec: TrainSpec;
  chain: number;
  model: ModelSpec;
  optimizer: OptimizerSpec;
  seed: number;
  split: DataSplit;
  order: DataOrder;
  /** Steps per checkpoint segment (S/K). */
  segmentSteps: number;
}

export function trainContext(spec: TrainSpec, chain: number): TrainContext {
  const c = spec.chains[chain];
  if (!c) throw new RangeError(`chain ${chain} outside 0..${spec.chains.length - 1}`);
  const seed = c.seed ?? spec.seed;
  const { start, end } = itemRange(spec.dataset);
  return {
    spec,
    chain,
    model: spec.model as ModelSpec,
    optimizer: { ...spec.optimizer, ...c.optimizer } as OptimizerSpec,
    seed,
    split: getDataset(spec.dataset.id)[spec.dataset.split],
    order: createDataOrder({ seed, start, end }),
    segmentSteps: spec.stepsPerUnit / spec.checkpoints,
  };
}

/** Batch tensor in the layout the model takes: [n, inputSize] for an MLP, [n, c, h, w] for a CNN. */
export function modelInput(model: ModelSpec, x: Tensor): Tensor {
  const n = x.shape[0] as number;
  return model.kind === "mlp"
    ? { shape: [n, model.inputSize], data: x.data }
    : { shape: [n, ...model.inputShape], data: x.data };
}
