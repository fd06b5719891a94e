import type { DataSplit } from "./loadMnist.js";
import { type Batch, gatherItems } from "./gatherItems.js";

/** Contiguous shard [start, end) of a split (how infer and data units address their items). */
export function selectItems(split: DataSplit, start: number, end: number): Batch {
  if (!(Number.isInteger(start) && Number.isInteger(end) && 0 <= start && start < end && end <= split.count)) {
    throw new RangeError(`item range [${start}, ${end}) outside ${split.name} split of ${split.count} items`);
  }
  const indices = new Uint32Array(end - start);
  for (let i = 0; i < indices.length; i++) indices[i] = start + i;
  return gatherItems(split, indices);
}
