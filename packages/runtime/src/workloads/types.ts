import type { Hex } from "../engine/index.js";

/** A training unit's place in its job: unit `unit` (0-based) of chain `chain`. */
export interface TrainUnitRef {
  chain: number;
  unit: number;
}

export interface TrainUnitResult extends TrainUnitRef {
  kind: "train";
  /** Global unit index (chain-major: chain · unitsPerChain + unit). */
  index: number;
  /** Hash of the state the unit started from: the predecessor's final checkpoint (or the chain's initial state). */
  predecessorHash: Hex;
  /** K+1 checkpoint hashes: the start, then one every S/K steps. */
  checkpointHashes: Hex[];
  /** K losses: the mean training loss of each segment (also stored inside checkpoints 1..K). */
  losses: number[];
  /** Hash of the last checkpoint: what the next unit of the chain binds as its predecessor. */
  finalHash: Hex;
  /** Index-bound Merkle root over checkpointHashes. */
  resultRoot: Hex;
  /** Canonical checkpoint bytes, K+1 of them (what a miner serves to auditors). */
  checkpoints: Uint8Array[];
  cu: number;
}

export interface ItemsUnitResult {
  kind: "infer" | "data";
  index: number;
  /** Item range [start, end) of the dataset split this unit covered. */
  start: number;
  end: number;
  /** One hash per result item, in order (the Merkle leaves). */
  itemHashes: Hex[];
  resultRoot: Hex;
  cu: number;
}

export interface JobResult {
  kind: "train" | "infer" | "data";
  specHash: Hex;
  /** Index-bound Merkle root over the units' result roots, in unit order. */
  resultRoot: Hex;
  unitRoots: Hex[];
  cu: number;
  /** Top-1 accuracy on labelled data where the job has it (train: best chain on eval; infer: outputs vs labels). */
  accuracy?: number;
}
