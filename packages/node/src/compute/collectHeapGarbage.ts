/**
 * A full garbage collection, now. V8 collects dead typed arrays when it sees fit, often only after
 * more have piled up: a training unit's checkpoints (tens of MB for a conv net) stayed resident on
 * the main thread long after they were written to the blob store, and the process's peak is what
 * both threads hold at once. Called once per unit or batch, it costs a few ms on these small heaps.
 * gc() is not exposed by default; the flag set here exposes it to contexts created afterwards.
 *
 * The heap in use right after each collection (live objects only) is kept for `/metrics`: unlike the
 * heap at a random moment, it grows only when something is really kept, so it shows a leak.
 */
import { getHeapStatistics, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
let liveBytes: number | undefined;

export function collectHeapGarbage(): void {
  gc();
  liveBytes = getHeapStatistics().used_heap_size;
}

/** V8 heap in use after this thread's last `collectHeapGarbage` (undefined before the first). */
export function liveHeapBytes(): number | undefined {
  return liveBytes;
}
