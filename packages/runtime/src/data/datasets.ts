/**
 * Registry of dataset ids a spec may name. A dataset id pins the exact items and their order,
 * so a spec can be validated (ranges, model input shape, classes) without loading any data, and
 * `contentHash` lets a node check that its local copy is the one the id means.
 */
import type { Hex } from "../engine/index.js";

export type SplitName = "train" | "test";

export interface DatasetInfo {
  id: string;
  /** Shape of one item (CHW for images). */
  itemShape: number[];
  classes: number;
  sizes: Record<SplitName, number>;
  /** sha256 over the dataset's canonical bytes (see `datasetHash`). */
  contentHash: Hex;
}

export const DATASETS: Readonly<Record<string, DatasetInfo>> = {
  "mnist-v1": {
    id: "mnist-v1",
    itemShape: [1, 28, 28],
    classes: 10,
    sizes: { train: 7996, test: 2004 },
    contentHash: "0x232d30e63fc47717ca5b93a3431d139e5c3ce9a78e10a0101a25fc1e5dce662b",
  },
};
