import { endianness } from "node:os";
import { readDatasetCache, writeDatasetCache } from "./datasetCache.js";
import { datasetHash } from "./datasetHash.js";
import { DATASETS, type DatasetInfo } from "./datasets.js";
import { type DataSplit, loadMnist } from "./loadMnist.js";

export interface Dataset {
  info: DatasetInfo;
  train: DataSplit;
  test: DataSplit;
}

let verified: Dataset | undefined;

/**
 * Loads a registered dataset by id (cached after the first call) and checks its content hash,
 * so a node whose local copy differs refuses to compute rather than producing wrong roots.
 */
export function getDataset(id: string): Dataset {
  const info = DATASETS[id];
  if (!info) throw new Error(`unknown dataset "${id}" (known: ${Object.keys(DATASETS).join(", ")})`);
  if (verified) return verified;
  // Canonical bytes are little-endian and typed arrays use the host order.
  if (endianness() !== "LE") throw new Error("the runtime needs a little-endian host");
  const cached = readDatasetCache(info);
  if (cached) {
    verified = { info, ...cached };
    return verified;
  }
  const mnist = loadMnist();
  const dataset: Dataset = { info, train: mnist.train, test: mnist.test };
  const hash = datasetHash(dataset);
  if (hash !== info.contentHash) {
    throw new Error(
      `dataset ${id}: local copy hashes to ${hash}, expected ${info.contentHash} (different mnist package?)`,
    );
  }
  writeDatasetCache(info, dataset);
  verified = dataset;
  return dataset;
}
