/**
 * Inference workload: an ONNX model over a range of dataset items, through the ONNX helper's
 * `runOnnx` (exact mode on the deterministic engine, tolerant mode on ONNX Runtime). A unit is
 * `itemsPerUnit` consecutive items; item k's hash is the canonical hash of its output row
 * (the first graph output, shape without the batch dimension), and the unit root is the
 * index-bound Merkle root over those hashes.
 */
import { type Hex, type ModelSpec, type Tensor, hashTensor, initParams } from "../engine/index.js";
import { getDataset } from "../data/getDataset.js";
import { selectItems } from "../data/selectItems.js";
import { resultRoot } from "../hash/resultRoot.js";
import { DataType, type OnnxTensor, decodeModel, runExact, runOnnx } from "../onnx/index.js";
import { itemRange } from "../spec/itemRange.js";
import type { InferSpec } from "../spec/schema.js";
import { computeUnits } from "./computeUnits.js";
import type { ItemsUnitResult } from "./types.js";

export interface InferUnitResult extends ItemsUnitResult {
  kind: "infer";
  /** First graph output, [items, ...]. */
  output: Tensor;
  labels: Int32Array;
}

/**
 * Rows of a unit run through the model at once. Memory grows with the chunk and speed barely does:
 * on the 96/384-filter bench CNN a process running units peaked at 375 MB with 32 rows, 267 MB with
 * 16 and 246 MB with 8, at about the same seconds per unit.
 */
const INFER_CHUNK_ITEMS = 16;

/** Runs unit `index` of an infer job on the given ONNX bytes. */
export async function runInferUnit(spec: InferSpec, modelBytes: Uint8Array, index: number): Promise<InferUnitResult> {
  const { start: first, end: last } = itemRange(spec.dataset);
  const units = Math.ceil((last - first) / spec.itemsPerUnit);
  if (!(Number.isInteger(index) && index >= 0 && index < units))
    throw new RangeError(`unit ${index} outside 0..${units - 1}`);
  const start = first + index * spec.itemsPerUnit;
  const end = Math.min(last, start + spec.itemsPerUnit);
  const batch = selectItems(getDataset(spec.dataset.id)[spec.dataset.split], start, end);
  const itemShape = spec.itemShape ?? modelItemShape(spec.model.arch as ModelSpec);
  const model = decodeModel(modelBytes);
  checkArch(model.graph.initializer, spec.model.arch as ModelSpec);
  const initializers = new Set(model.graph.initializer.map((t) => t.name));
  const inputName = spec.inputName ?? model.graph.input.find((i) => !initializers.has(i.name))?.name;
  if (!inputName) throw new Error("the ONNX model has no graph input");
  const outputName = model.graph.output[0]?.name;
  if (!outputName) throw new Error("the ONNX model has no graph output");
  // The unit runs in chunks of rows: memory stays bounded by the chunk (a wide conv net's im2col over
  // a whole unit takes hundreds of MB), the event loop gets a turn between chunks, and every output
  // row is the same bits whatever the chunking (each row's arithmetic never mixes with another's).
  // A graph whose input states a fixed batch size gets the unit's rows in one run, as before.
  const batchDim = model.graph.input.find((i) => i.name === inputName)?.shape?.[0];
  const rows = typeof batchDim === "number" && batchDim > 0 ? end - start : INFER_CHUNK_ITEMS;
  const itemSize = itemShape.reduce((a, b) => a * b, 1);
  let output: Tensor | undefined;
  for (let from = start; from < end; from += rows) {
    const to = Math.min(end, from + rows);
    const input = {
      [inputName]: {
        shape: [to - from, ...itemShape],
        data: batch.x.data.subarray((from - start) * itemSize, (to - start) * itemSize),
      },
    };
    // Exact mode runs the graph decoded above; tolerant mode hands the bytes to ONNX Runtime.
    const outputs =
      spec.mode === "exact" ? runExact(model, input) : await runOnnx(modelBytes, input, { mode: spec.mode });
    const chunk = outputs[outputName];
    if (!chunk || chunk.shape[0] !== to - from) {
      throw new Error(`output '${outputName}' should have ${to - from} rows, got shape [${chunk?.shape ?? []}]`);
    }
    if (!output) {
      const rowSize = chunk.data.length / (to - from);
      output = { shape: [end - start, ...chunk.shape.slice(1)], data: new Float32Array(rowSize * (end - start)) };
    }
    output.data.set(chunk.data, (from - start) * (chunk.data.length / (to - from)));
    if (to < end) await new Promise((resolve) => setImmediate(resolve));
  }
  if (!output) throw new Error("an infer unit holds no items");
  const rowShape = output.shape.slice(1);
  const rowSize = rowShape.reduce((a, b) => a * b, 1);
  const itemHashes: Hex[] = [];
  for (let i = 0; i < end - start; i++) {
    itemHashes.push(hashTensor({ shape: rowShape, data: output.data.subarray(i * rowSize, (i + 1) * rowSize) }));
  }
  return {
    kind: "infer",
    index,
    start,
    end,
    itemHashes,
    resultRoot: resultRoot(itemHashes),
    cu: (computeUnits(spec).cuPerUnit * (end - start)) / spec.itemsPerUnit,
    output,
    labels: batch.labels,
  };
}

/**
 * CU are counted from `spec.model.arch`, so the graph must really be that architecture: its float
 * initializers must hold exactly the architecture's parameter count (an overstated arch would
 * overstate CU, an understated one would underpay the miner).
 */
function checkArch(initializers: readonly OnnxTensor[], arch: ModelSpec): void {
  const expected = initParams(arch, 0).reduce((n, p) => n + p.tensor.data.length, 0);
  const actual = initializers.filter((t) => t.dataType === DataType.FLOAT).reduce((n, t) => n + t.data.length, 0);
  if (actual !== expected) {
    throw new Error(`the ONNX model holds ${actual} float parameters but spec.model.arch has ${expected}`);
  }
}

function modelItemShape(model: ModelSpec): number[] {
  return model.kind === "mlp" ? [model.inputSize] : [...model.inputShape];
}
