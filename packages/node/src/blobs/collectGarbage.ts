/**
 * Blob garbage collection for the daemon: decides from the market view and the work table which
 * blobs a live job may still need, then lets the store's `gc` delete the rest. Invariant: a blob is
 * deleted only when no job that is not `FINAL` (or turned `FINAL` less than the grace period ago)
 * names it, no work row of such a job names it, it is not pinned, and it was last written before
 * every computation still in flight began and more than the grace period ago. Crash-safe by
 * construction: each delete is one unlink of a blob that was already dead, and the only state kept
 * between runs (when each job was first seen final) is a kv row written in one transaction.
 *
 * What "named" covers: the spec (the job's `specHash`) and every sha256 the spec mentions (an infer
 * job's model, data files); this node's manifests from its work rows and every checkpoint and
 * output they list (what successors, auditors, committees and the requester fetch).
 */
import { JobStatus } from "../daemon/BatchState.js";
import type { MarketJob } from "../daemon/scanMarket.js";
import type { Store } from "../store/openStore.js";
import type { BlobHash } from "./toBlobHash.js";
import type { BlobStore, GcResult } from "./createBlobStore.js";

export type CollectGarbageParameters = {
  blobs: BlobStore;
  store: Store;
  /** Every job of the market (the daemon's `MarketView.jobs`). */
  jobs: readonly MarketJob[];
  /**
   * Blobs written less than this long ago are kept whatever refers to them (uploads for a job not
   * scanned yet, a download in progress), and a job's blobs outlive its `FINAL` by as much (the
   * requester fetching its results).
   */
  graceMs: number;
  /** Clock (ms), for tests. Default `Date.now`. */
  now?: () => number;
  logger?: { info: (obj: object, msg?: string) => void };
  metrics?: {
    blobGcDeleted?: { inc: (value?: number) => void };
    blobGcFreedBytes?: { inc: (value?: number) => void };
  };
};

export type CollectGarbageReturnType = GcResult & { pinsReleased: number };

const FINAL_SEEN_KEY = "blobGc.finalSeen";
// Phases after which a work row computes nothing more (createMiner); other rows may be mid-computation.
const TERMINAL = new Set(["done", "lost", "abandoned"]);
// File times come from the kernel's coarse clock and may trail Date.now() by a few ms (or more on
// network filesystems): the in-flight bound is moved back this much.
const MTIME_SLACK_MS = 60_000;
const hashPattern = /(?:0x)?([0-9a-fA-F]{64})(?![0-9a-fA-F])/g;

type WorkRow = {
  job: string;
  role: string;
  phase: string;
  result_blob: string | null;
  updated_at: number;
};

/**
 * @example
 * const { deleted, freedBytes } = await collectGarbage({ blobs, store, jobs: view.jobs, graceMs: 86_400_000 });
 */
export async function collectGarbage(p: CollectGarbageParameters): Promise<CollectGarbageReturnType> {
  const now = (p.now ?? Date.now)();
  const needed = new Set<BlobHash>();
  const finalSeen = p.store.kv.get<Record<string, number>>(FINAL_SEEN_KEY) ?? {};
  const jobs = new Map<string, MarketJob>();
  // Jobs whose blobs must stay: not final, or final for less than the grace period.
  const kept = new Set<string>();
  for (const entry of p.jobs) {
    const id = entry.id.toString();
    jobs.set(id, entry);
    if ((Number(entry.job.status) & JobStatus.FINAL) !== 0) {
      finalSeen[id] ??= now;
      if (now - (finalSeen[id] as number) < p.graceMs) kept.add(id);
    } else {
      kept.add(id);
    }
  }
  p.store.transaction(() => p.store.kv.set(FINAL_SEEN_KEY, finalSeen));

  for (const id of kept) {
    const spec = (jobs.get(id) as MarketJob).job.specHash.slice(2).toLowerCase();
    needed.add(spec);
    await addMentioned(p.blobs, spec, needed);
  }

  let inFlightSince = Number.POSITIVE_INFINITY;
  const released: BlobHash[] = [];
  const rows = p.store.db.prepare("SELECT job, role, phase, result_blob, updated_at FROM work").all() as WorkRow[];
  for (const row of rows) {
    // A row of a job the view does not hold (another deployment's store?) is kept, to be safe.
    const live = kept.has(row.job) || !jobs.has(row.job);
    const blob = row.result_blob?.toLowerCase();
    if (!live) {
      // A final job paid or refunded every batch: the node's own results need no pin any more.
      if (blob && p.blobs.isPinned(blob)) released.push(blob);
      continue;
    }
    if (blob) {
      needed.add(blob);
      await addMentioned(p.blobs, blob, needed);
    } else if (!TERMINAL.has(row.phase)) {
      // Artefacts of a computation in progress are written before any row names them.
      inFlightSince = Math.min(inFlightSince, row.updated_at);
    }
  }
  for (const hash of released) if (!needed.has(hash)) await p.blobs.unpin(hash);

  const cutoff = Math.min(now - p.graceMs, inFlightSince - MTIME_SLACK_MS);
  const result = await p.blobs.gc(async (hash) => {
    if (needed.has(hash)) return true;
    const stat = await p.blobs.stat(hash);
    return stat !== undefined && stat.mtimeMs >= cutoff;
  });
  p.metrics?.blobGcDeleted?.inc(result.deleted.length);
  p.metrics?.blobGcFreedBytes?.inc(result.freedBytes);
  p.logger?.info(
    {
      deleted: result.deleted.length,
      freedBytes: result.freedBytes,
      kept: result.kept,
      pinsReleased: released.length,
    },
    "blob gc finished",
  );
  return { ...result, pinsReleased: released.length };
}

/** Adds every sha256 that the JSON blob `hash` mentions (a spec's inputs, a manifest's artefacts). */
async function addMentioned(blobs: BlobStore, hash: BlobHash, needed: Set<BlobHash>): Promise<void> {
  if (!blobs.has(hash)) return;
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(await blobs.get(hash));
  } catch {
    // Not text (or corrupt and now deleted): it names nothing.
    return;
  }
  for (const m of text.matchAll(hashPattern)) needed.add((m[1] as string).toLowerCase());
}
