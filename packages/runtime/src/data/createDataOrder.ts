/**
 * Training data order, fixed by the job seed: epoch e visits the items [start, end) of the split
 * in a Fisher–Yates permutation drawn from the engine PRNG seeded with
 * u32be(sha256("mai-data-order/1:<seed>:<e>")[0..4]). A data cursor c (examples consumed so far)
 * addresses item perm_{c / n}[c mod n], so a batch that runs past the end of an epoch continues
 * in the next one. Because the order depends only on (seed, cursor), an auditor replaying a
 * segment from a checkpoint feeds exactly the examples the miner had to feed.
 */
import { createHash } from "node:crypto";
import { createPrng } from "../engine/index.js";

export interface DataOrder {
  /** Number of items one epoch visits. */
  size: number;
  /** Split indices of the `count` examples starting at data cursor `cursor`. */
  indices(cursor: number, count: number): Uint32Array;
}

export interface CreateDataOrderParameters {
  seed: number;
  start: number;
  end: number;
}

const MAX_CACHED_EPOCHS = 4;

export function createDataOrder({ seed, start, end }: CreateDataOrderParameters): DataOrder {
  const size = end - start;
  if (!(Number.isInteger(size) && size > 0)) throw new RangeError(`data order over empty range [${start}, ${end})`);
  const epochs = new Map<number, Uint32Array>();
  const permutation = (epoch: number): Uint32Array => {
    const hit = epochs.get(epoch);
    if (hit) return hit;
    const digest = createHash("sha256").update(`mai-data-order/1:${seed}:${epoch}`).digest();
    const prng = createPrng(digest.readUInt32BE(0));
    const perm = new Uint32Array(size);
    for (let i = 0; i < size; i++) perm[i] = start + i;
    for (let i = size - 1; i > 0; i--) {
      // floor(u32 · (i+1) / 2^32) is exact in a double (< 2^53) and needs no rejection loop.
      const j = Math.floor((prng.nextU32() * (i + 1)) / 4294967296);
      const t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
    if (epochs.size >= MAX_CACHED_EPOCHS) epochs.delete(epochs.keys().next().value as number);
    epochs.set(epoch, perm);
    return perm;
  };
  return {
    size,
    indices(cursor, count) {
      if (!(Number.isSafeInteger(cursor) && cursor >= 0)) throw new RangeError(`bad data cursor ${cursor}`);
      const out = new Uint32Array(count);
      for (let i = 0; i < count; i++) {
        const c = cursor + i;
        out[i] = permutation(Math.floor(c / size))[c % size];
      }
      return out;
    },
  };
}
