/**
 * Proof-of-learning checkpoints. A checkpoint is the complete training state (weights, optimizer
 * moments, step, data cursor, PRNG; the engine's `encodeTrainState`) plus the loss that led to it,
 * so replaying a segment from checkpoint j reproduces checkpoint j+1 bit for bit.
 *
 * Layout (all little-endian):
 *   8 bytes  ASCII "MAICKPT1"
 *   4 bytes  f32 loss (mean training loss over the segment that ended here; canonical NaN
 *            0x7fc00000 for the first checkpoint of a chain)
 *   4 bytes  u32 length n of the state
 *   n bytes  encodeTrainState(state)
 * The checkpoint hash is sha256 over these bytes.
 */
import { type Hex, type TrainState, decodeTrainState, encodeTrainState } from "../engine/index.js";
import { sha256 } from "./sha256.js";

export interface Checkpoint {
  state: TrainState;
  loss: number;
}

const MAGIC = new TextEncoder().encode("MAICKPT1");
const HEADER = MAGIC.length + 8;

export function encodeCheckpoint(checkpoint: Checkpoint): Uint8Array {
  const state = encodeTrainState(checkpoint.state);
  const out = new Uint8Array(HEADER + state.length);
  out.set(MAGIC, 0);
  const view = new DataView(out.buffer);
  if (Number.isNaN(checkpoint.loss)) view.setUint32(MAGIC.length, 0x7fc00000, true);
  else view.setFloat32(MAGIC.length, checkpoint.loss, true);
  view.setUint32(MAGIC.length + 4, state.length, true);
  out.set(state, HEADER);
  return out;
}

export function decodeCheckpoint(bytes: Uint8Array): Checkpoint {
  if (bytes.length < HEADER || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new Error("decodeCheckpoint: not a checkpoint (missing MAICKPT1 header)");
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const loss = view.getFloat32(MAGIC.length, true);
  const n = view.getUint32(MAGIC.length + 4, true);
  if (HEADER + n !== bytes.length) {
    throw new Error(`decodeCheckpoint: state length ${n} does not match ${bytes.length - HEADER} bytes present`);
  }
  return { loss, state: decodeTrainState(bytes.subarray(HEADER)) };
}

/** sha256 of the checkpoint bytes. */
export function checkpointHash(bytes: Uint8Array): Hex {
  return sha256(bytes);
}
