import { DATASETS } from "../data/datasets.js";
import type { DatasetRef } from "./schema.js";

/** Items [start, end) of a dataset reference, with defaults applied. */
export function itemRange(ref: DatasetRef): { start: number; end: number } {
  const info = DATASETS[ref.id];
  if (!info) throw new Error(`unknown dataset "${ref.id}"`);
  return { start: ref.start ?? 0, end: ref.end ?? info.sizes[ref.split] };
}
