/**
 * Training workload with proof-of-learning (DESIGN 5.3, 5.4).
 *
 * A unit is S optimizer steps cut into K segments of S/K steps. The miner commits the index-bound
 * Merkle root over K+1 checkpoint hashes (the start, then the end of every segment). A checkpoint
 * is the whole training state plus the segment's mean loss (see hash/checkpoint.ts), and the data
 * each step sees is fixed by the chain seed and the step's data cursor, so an auditor holding
 * checkpoint j replays segment j alone and must land bit for bit on checkpoint j+1.
 *
 * Chains: unit u of a chain starts from unit u-1's final checkpoint, so checkpoint 0 of unit u
 * *is* its predecessor's final checkpoint and the root binds the predecessor's hash.
 * Unit 0 starts from the chain's seeded initial state with loss NaN.
 */
import { type Hex, type TrainState, createTrainState, trainStep } from "../engine/index.js";
import { gatherItems } from "../data/gatherItems.js";
import { checkpointHash, decodeCheckpoint, encodeCheckpoint } from "../hash/checkpoint.js";
import { resultRoot } from "../hash/resultRoot.js";
import type { TrainSpec } from "../spec/schema.js";
import { computeUnits } from "./computeUnits.js";
import { PolError } from "./PolError.js";
import { type TrainContext, modelInput, trainContext } from "./trainContext.js";
import type { TrainUnitRef, TrainUnitResult } from "./types.js";

/** Checkpoint bytes a chain starts from (engine's seeded initial state, loss NaN). */
export function initialCheckpoint(spec: TrainSpec, chain: number): Uint8Array {
  const ctx = trainContext(spec, chain);
  return encodeCheckpoint({ state: createTrainState(ctx.model, ctx.optimizer, ctx.seed), loss: Number.NaN });
}

export interface RunTrainUnitParameters extends TrainUnitRef {
  /** Checkpoint bytes to start from: the predecessor's final checkpoint; default the chain's initial state for unit 0. */
  start?: Uint8Array;
  /** Called after every optimizer step with the number of steps done in this unit. */
  onStep?: (done: number) => void;
  /**
   * Called with each checkpoint k = 0..K as soon as it is encoded and hashed. The callee may take
   * the bytes (e.g. move them to another thread: a conv net's checkpoints are tens of MB together);
   * the result's `checkpoints` then hold what it left behind, its hashes and root are unaffected.
   */
  onCheckpoint?: (bytes: Uint8Array, k: number) => void;
}

/** Runs one training unit (S steps, K+1 checkpoints) and returns its result. */
export function runTrainUnit(spec: TrainSpec, p: RunTrainUnitParameters): TrainUnitResult {
  const ctx = trainContext(spec, p.chain);
  checkUnitRef(spec, p);
  let startBytes = p.start;
  if (!startBytes) {
    if (p.unit !== 0)
      throw new RangeError(`unit ${p.unit} of chain ${p.chain} needs its predecessor's final checkpoint`);
    startBytes = initialCheckpoint(spec, p.chain);
  }
  const state = openCheckpoint(ctx, startBytes, p.unit * spec.stepsPerUnit);
  const checkpoints = [startBytes];
  const checkpointHashes = [checkpointHash(startBytes)];
  p.onCheckpoint?.(startBytes, 0);
  const losses: number[] = [];
  let done = 0;
  for (let j = 0; j < spec.checkpoints; j++) {
    const loss = runSegment(ctx, state, () => p.onStep?.(++done));
    losses.push(loss);
    const bytes = encodeCheckpoint({ state, loss });
    checkpoints.push(bytes);
    checkpointHashes.push(checkpointHash(bytes));
    p.onCheckpoint?.(bytes, j + 1);
  }
  return {
    kind: "train",
    chain: p.chain,
    unit: p.unit,
    index: p.chain * spec.unitsPerChain + p.unit,
    predecessorHash: checkpointHashes[0] as Hex,
    checkpointHashes,
    losses,
    finalHash: checkpointHashes[spec.checkpoints] as Hex,
    resultRoot: resultRoot(checkpointHashes),
    checkpoints,
    cu: computeUnits(spec).cuPerUnit,
  };
}

/**
 * Auditor side: replays segment j of a unit from checkpoint j's bytes and returns the hash the
 * miner's checkpoint j+1 must have. Throws PolError when checkpoint j cannot be the start of that
 * segment (wrong step or data cursor, shapes that are not the model's), since replaying a
 * checkpoint the miner placed elsewhere in the data stream would prove nothing.
 */
export function verifySegment(spec: TrainSpec, ref: TrainUnitRef, j: number, checkpointBytes: Uint8Array): Hex {
  checkUnitRef(spec, ref);
  if (!(Number.isInteger(j) && j >= 0 && j < spec.checkpoints)) {
    throw new RangeError(`segment ${j} outside 0..${spec.checkpoints - 1}`);
  }
  const ctx = trainContext(spec, ref.chain);
  const state = openCheckpoint(ctx, checkpointBytes, ref.unit * spec.stepsPerUnit + j * ctx.segmentSteps);
  const loss = runSegment(ctx, state);
  return checkpointHash(encodeCheckpoint({ state, loss }));
}

/** S/K steps on `state` in place; returns the float32 mean of their losses. */
function runSegment(ctx: TrainContext, state: TrainState, onStep?: () => void): number {
  const batchSize = ctx.spec.batchSize;
  let sum = 0;
  for (let s = 0; s < ctx.segmentSteps; s++) {
    const step = state.step;
    const cursor = state.cursor;
    const batch = gatherItems(ctx.split, ctx.order.indices(cursor, batchSize));
    const loss = trainStep(ctx.model, ctx.optimizer, state, modelInput(ctx.model, batch.x), batch.labels);
    sum = Math.fround(sum + loss);
    // The workload owns the data stream: one step consumes exactly one batch.
    state.step = step + 1;
    state.cursor = cursor + batchSize;
    onStep?.();
  }
  return Math.fround(sum / ctx.segmentSteps);
}

function checkUnitRef(spec: TrainSpec, ref: TrainUnitRef): void {
  if (!(Number.isInteger(ref.unit) && ref.unit >= 0 && ref.unit < spec.unitsPerChain)) {
    throw new RangeError(`unit ${ref.unit} outside 0..${spec.unitsPerChain - 1}`);
  }
}

/** Decodes checkpoint bytes and checks they sit at `step` of this chain's data stream with the model's shapes. */
function openCheckpoint(ctx: TrainContext, bytes: Uint8Array, step: number): TrainState {
  let state: TrainState;
  try {
    state = decodeCheckpoint(bytes).state;
  } catch (err) {
    throw new PolError("malformed checkpoint", { cause: err });
  }
  if (state.step !== step) throw new PolError(`checkpoint is at step ${state.step}, expected ${step}`);
  const cursor = step * ctx.spec.batchSize;
  if (state.cursor !== cursor) throw new PolError(`checkpoint data cursor is ${state.cursor}, expected ${cursor}`);
  const reference = createTrainState(ctx.model, ctx.optimizer, 0);
  const shapesMatch =
    state.params.length === reference.params.length &&
    state.params.every(
      (p, i) =>
        p.name === reference.params[i]?.name &&
        p.tensor.shape.join(",") === reference.params[i]?.tensor.shape.join(","),
    ) &&
    state.moments.length === reference.moments.length &&
    state.moments.every(
      (m, i) =>
        m.length === reference.moments[i]?.length && m.every((b, k) => b.length === reference.moments[i]?.[k]?.length),
    );
  if (!shapesMatch) throw new PolError("checkpoint parameters do not match the spec's model");
  return state;
}
