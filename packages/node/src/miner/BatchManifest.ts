import type { Hex } from "viem";

/**
 * What a miner publishes about a batch it computed (a JSON blob in its store, listed by its
 * `/batches` API): the unit roots under the batch root, their leaves (train: checkpoint hashes,
 * which are also the checkpoint blobs' names), and output blobs. Readers trust none of it: they
 * recompute the roots and compare with what the chain bound.
 */
export type BatchManifest = {
  version: 1;
  job: string;
  batch: number;
  attempt: number;
  node: string;
  /** Merkle root over `units[].root` (the root the miner commits). */
  root: Hex;
  units: { index: number; root: Hex; leaves: Hex[]; output?: string }[];
};
