import type { Tensor } from "../engine/index.js";
import type { DataSplit } from "./loadMnist.js";

export interface Batch {
  /** [n, ...itemShape] */
  x: Tensor;
  labels: Int32Array;
}

/** Items at the given indices of a split, in that order, as one batch tensor. */
export function gatherItems(split: DataSplit, indices: ArrayLike<number>): Batch {
  const n = indices.length;
  const x = new Float32Array(n * split.itemSize);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const item = indices[i];
    if (!Number.isInteger(item) || item < 0 || item >= split.count) {
      throw new RangeError(`item ${item} outside ${split.name} split 0..${split.count - 1}`);
    }
    x.set(split.x.subarray(item * split.itemSize, (item + 1) * split.itemSize), i * split.itemSize);
    labels[i] = split.labels[item];
  }
  return { x: { shape: [n, ...split.itemShape], data: x }, labels };
}
