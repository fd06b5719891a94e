import { BatchState } from "../daemon/BatchState.js";
import type { MarketJob } from "../daemon/scanMarket.js";

/** `stale`: `reopenStale` succeeds; `fresh`: it would revert; `unknown`: only the contract can tell. */
export type StaleVerdict = "stale" | "fresh" | "unknown";

// reopenStale reverts WrongState in these; every other state holds a lease of the current attempt.
const notReopenable = new Set<number>([
  BatchState.Open,
  BatchState.Disputed,
  BatchState.Accepted,
  BatchState.Indeterminate,
]);

/**
 * Mirror of the guard of `JobMarketAudits.reopenStale`: a chained batch (`index >= chains > 0`) in
 * `Leased`..`Revealed` or `Verified` whose predecessor's attempt differs from `predAttempt`, the
 * predecessor's attempt recorded at lease. No view returns `predAttempt`, so without `predAttempt`
 * (the caller learned it earlier) this decides from what the views do show: a lease needs the
 * predecessor in `Revealed` or later, and within one attempt a batch only moves forward, so a
 * predecessor now before `Revealed` has changed attempt (stale); a predecessor still on attempt 0
 * cannot have (fresh). A predecessor back in `Revealed` or later on a later attempt is `unknown`.
 *
 * @example
 * staleSuccessor(view.jobs[0], 1) // "stale" once batch 0 was re-opened after batch 1's lease
 */
export function staleSuccessor(job: MarketJob, index: number, predAttempt?: bigint): StaleVerdict {
  const chains = Number(job.job.chains);
  if (chains === 0 || index < chains) return "fresh";
  const b = job.batches[index];
  const pred = job.batches[index - chains];
  if (!b || !pred || notReopenable.has(b.state)) return "fresh";
  if (predAttempt !== undefined) return pred.attempt === predAttempt ? "fresh" : "stale";
  if (pred.attempt === 0n) return "fresh";
  if (pred.state < BatchState.Revealed) return "stale";
  return "unknown";
}
