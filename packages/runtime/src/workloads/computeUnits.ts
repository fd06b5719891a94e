/**
 * Compute units (DESIGN 5.6): 1 CU = 1e9 floating-point operations as counted by the engine's
 * canonical counter. A pure function of the spec, so every node recomputes it and can refuse a
 * job that overstates it. Training counts forward + backward = 3 × forward per example.
 */
import { type ModelSpec, forwardFlops } from "../engine/index.js";
import { DATASETS } from "../data/datasets.js";
import { itemRange } from "../spec/itemRange.js";
import type { DataSpec, DatasetRef, JobSpec, Transform } from "../spec/schema.js";
import { transformShape } from "../spec/transformShape.js";
import { truncateModel } from "./truncateModel.js";

export interface ComputeUnitsReturnType {
  units: number;
  /** FLOPs of one full unit (the last infer/data unit may hold fewer items). */
  flopsPerUnit: number;
  cuPerUnit: number;
  /** CU of the whole job (exact item counts). */
  cu: number;
}

const FLOPS_PER_CU = 1e9;

export function computeUnits(spec: JobSpec): ComputeUnitsReturnType {
  switch (spec.kind) {
    case "train": {
      const flopsPerUnit = 3 * forwardFlops(spec.model as ModelSpec) * spec.batchSize * spec.stepsPerUnit;
      const units = spec.chains.length * spec.unitsPerChain;
      return { units, flopsPerUnit, cuPerUnit: flopsPerUnit / FLOPS_PER_CU, cu: (flopsPerUnit * units) / FLOPS_PER_CU };
    }
    case "infer":
      return perItem(spec.dataset, spec.itemsPerUnit, forwardFlops(spec.model.arch as ModelSpec));
    case "data":
      return perItem(spec.dataset, spec.itemsPerUnit, dataFlopsPerItem(spec));
  }
}

function perItem(ref: DatasetRef, itemsPerUnit: number, flopsPerItem: number): ComputeUnitsReturnType {
  const { start, end } = itemRange(ref);
  const items = end - start;
  const flopsPerUnit = flopsPerItem * itemsPerUnit;
  return {
    units: Math.ceil(items / itemsPerUnit),
    flopsPerUnit,
    cuPerUnit: flopsPerUnit / FLOPS_PER_CU,
    cu: (flopsPerItem * items) / FLOPS_PER_CU,
  };
}

/** Per item: normalize = 2 ops per value, avgPool = 1 per input value + 1 per output value, embed = the model's forward. */
function dataFlopsPerItem(spec: DataSpec): number {
  const info = DATASETS[spec.dataset.id];
  if (!info) throw new Error(`unknown dataset "${spec.dataset.id}"`);
  let shape = [...info.itemShape];
  let flops = 0;
  for (const t of spec.transforms) {
    const size = shape.reduce((a, b) => a * b, 1);
    const next = transformShape(t, shape);
    if (t.op === "normalize") flops += 2 * size;
    else if (t.op === "avgPool") flops += size + next.reduce((a, b) => a * b, 1);
    else flops += embedFlops(t);
    shape = next;
  }
  return flops;
}

function embedFlops(t: Extract<Transform, { op: "embed" }>): number {
  const model = t.model as ModelSpec;
  if ((t.layer ?? "penultimate") === "logits" || model.hidden.length === 0) return forwardFlops(model);
  const width = model.hidden[model.hidden.length - 1] as number;
  // The truncated model ends at the last hidden layer's pre-activation; the activation adds one op per value.
  return forwardFlops(truncateModel(model)) + width;
}
