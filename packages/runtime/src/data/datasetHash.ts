import type { Hex } from "../engine/index.js";
import type { Dataset } from "./getDataset.js";
import { createHash } from "node:crypto";

/**
 * sha256 over the canonical bytes of a dataset: for the train split then the test split,
 * u32 LE item count, the pixels as f32 LE (item-major), the labels as i32 LE.
 */
export function datasetHash(dataset: Dataset): Hex {
  const h = createHash("sha256");
  for (const split of [dataset.train, dataset.test]) {
    const count = new Uint8Array(4);
    new DataView(count.buffer).setUint32(0, split.count, true);
    h.update(count);
    h.update(new Uint8Array(split.x.buffer, split.x.byteOffset, split.x.byteLength));
    h.update(new Uint8Array(split.labels.buffer, split.labels.byteOffset, split.labels.byteLength));
  }
  return `0x${h.digest("hex")}`;
}
