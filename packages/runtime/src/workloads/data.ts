/**
 * Data workload: deterministic transforms over a range of dataset items (normalisation,
 * average-pool feature extraction, embeddings through a seeded engine model), with optional
 * dedup by content hash. A unit is `itemsPerUnit` consecutive items.
 *
 * Leaves of a unit root: the canonical hash of each kept item's output, in item order; with
 * dedup on, one more leaf: sha256 of the kept items' dataset indices as u32 LE, so the root
 * also fixes which items were dropped. An item is a duplicate when the hash of its input
 * (before any transform) equals that of an earlier item of the same unit.
 */
import { type Hex, type ModelSpec, type Tensor, avgPool2d, hashTensor } from "../engine/index.js";
import { gatherItems } from "../data/gatherItems.js";
import { getDataset } from "../data/getDataset.js";
import { resultRoot } from "../hash/resultRoot.js";
import { sha256 } from "../hash/sha256.js";
import { itemRange } from "../spec/itemRange.js";
import type { DataSpec, Transform } from "../spec/schema.js";
import { computeUnits } from "./computeUnits.js";
import { dedupByHash } from "./dedupByHash.js";
import { createEmbedder } from "./embed.js";
import type { ItemsUnitResult } from "./types.js";

export interface DataUnitResult extends ItemsUnitResult {
  kind: "data";
  /** Dataset indices of the items kept (all of them without dedup). */
  kept: number[];
  /** Outputs of the kept items, [kept, ...]. */
  output: Tensor;
}

export function runDataUnit(spec: DataSpec, index: number): DataUnitResult {
  const { start: first, end: last } = itemRange(spec.dataset);
  const units = Math.ceil((last - first) / spec.itemsPerUnit);
  if (!(Number.isInteger(index) && index >= 0 && index < units))
    throw new RangeError(`unit ${index} outside 0..${units - 1}`);
  const start = first + index * spec.itemsPerUnit;
  const end = Math.min(last, start + spec.itemsPerUnit);
  const split = getDataset(spec.dataset.id)[spec.dataset.split];

  const items = Array.from({ length: end - start }, (_, i) => start + i);
  const kept = spec.dedup
    ? dedupByHash(
        items.map((item) =>
          hashTensor({
            shape: split.itemShape,
            data: split.x.subarray(item * split.itemSize, (item + 1) * split.itemSize),
          }),
        ),
      ).map((i) => items[i] as number)
    : items;
  let x = gatherItems(split, kept).x;
  for (const t of spec.transforms) x = applyTransform(t, x, spec.seed);

  const rowShape = x.shape.slice(1);
  const rowSize = rowShape.reduce((a, b) => a * b, 1);
  const itemHashes: Hex[] = kept.map((_, i) =>
    hashTensor({ shape: rowShape, data: x.data.subarray(i * rowSize, (i + 1) * rowSize) }),
  );
  const leaves = [...itemHashes];
  if (spec.dedup) {
    const indices = new Uint8Array(4 * kept.length);
    const view = new DataView(indices.buffer);
    kept.forEach((k, i) => {
      view.setUint32(4 * i, k, true);
    });
    leaves.push(sha256(indices));
  }
  return {
    kind: "data",
    index,
    start,
    end,
    itemHashes,
    resultRoot: resultRoot(leaves),
    cu: (computeUnits(spec).cuPerUnit * (end - start)) / spec.itemsPerUnit,
    kept,
    output: x,
  };
}

function applyTransform(t: Transform, x: Tensor, jobSeed: number): Tensor {
  switch (t.op) {
    case "normalize": {
      const mean = Math.fround(t.mean);
      const std = Math.fround(t.std);
      const out = new Float32Array(x.data.length);
      for (let i = 0; i < out.length; i++) out[i] = Math.fround((x.data[i] as number) - mean) / std;
      return { shape: x.shape, data: out };
    }
    case "avgPool":
      return avgPool2d(x, { kernel: [t.size, t.size], stride: [t.size, t.size], pads: [0, 0, 0, 0] });
    case "embed":
      return createEmbedder(t.model as ModelSpec, t.seed ?? jobSeed, t.layer ?? "penultimate").embed(x);
  }
}
