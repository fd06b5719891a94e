/**
 * Blob garbage collection for the daemon: decides from the market view and the work table which
 * blobs a live job may still need, then lets the store's `gc` delete the rest. Invariant: a blob is
 * deleted only when no job that is not finished (or finished less than the grace period ago) names
 * it, no work row of such a job names it, it is not pinned, and it was last written before every
 * computation still in flight began and more than the grace period ago. Crash-safe by construction:
 * each delete is one unlink of a blob that was already dead, and the only state kept between runs
 * (when each job was first seen finished, and its spec) is a kv row written in one transaction.
 *
 * What "named" covers: the spec (the job's `specHash`) and every sha256 the spec mentions (an infer
 * job's model, data files); this node's manifests from its work rows and every checkpoint and
 * output they list (what successors, auditors, committees and the requester fetch).
 *
 * Bounded by time, not by history: the market view lists open jobs and the last to finish only, so
 * a job that finished earlier is known through `isFinished` and its kv entry, which is dropped once
 * the job is out of the view and past the grace period. The work table is streamed, not loaded.
 */
import { type MarketJob, isJobFinished } from "../daemon/scanMarket.js";
import type { Store } from "../store/openStore.js";
import type { BlobHash } from "./toBlobHash.js";
import type { BlobStore, GcResult } from "./createBlobStore.js";

export type CollectGarbageParameters = {
  blobs: BlobStore;
  store: Store;
  /** The jobs of the market view (the daemon's `MarketView.jobs`: open ones and the last to finish). */
  jobs: readonly MarketJob[];
  /**
   * Whether a job missing from `jobs` is finished (`MarketView.isFinished`). Default: no, so a work
   * row of a job the view does not show keeps its blobs.
   */
  isFinished?: (id: bigint) => boolean;
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

const FINISHED_KEY = "blobGc.finished";
// Written by earlier versions: when each job was first seen final (no spec; superseded).
const LEGACY_FINAL_SEEN_KEY = "blobGc.finalSeen";
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
  // When each finished job was first seen finished, and its spec (to keep it through the grace period).
  const finished = p.store.kv.get<Record<string, { at: number; spec: string }>>(FINISHED_KEY) ?? {};
  const inView = new Set<string>();
  // Jobs whose blobs must stay (id → spec): not finished, or finished for less than the grace period.
  const kept = new Map<string, string>();
  for (const entry of p.jobs) {
    const id = entry.id.toString();
    const spec = entry.job.specHash.slice(2).toLowerCase();
    inView.add(id);
    if (isJobFinished(entry)) finished[id] ??= { at: now, spec };
    else kept.set(id, spec);
  }
  for (const [id, seen] of Object.entries(finished)) {
    if (now - seen.at < p.graceMs) kept.set(id, seen.spec);
    // Past the grace period and out of the view: nothing will ask about it again.
    else if (!inView.has(id)) delete finished[id];
  }
  p.store.transaction(() => {
    p.store.kv.set(FINISHED_KEY, finished);
    p.store.kv.delete(LEGACY_FINAL_SEEN_KEY);
  });

  for (const spec of kept.values()) {
    needed.add(spec);
    await addMentioned(p.blobs, spec, needed);
  }

  let inFlightSince = Number.POSITIVE_INFINITY;
  const released: BlobHash[] = [];
  const results: BlobHash[] = [];
  // Streamed, so a long history costs no memory; nothing may await while the statement is open (it
  // holds the connection the other roles use).
  const rows = p.store.db.prepare("SELECT job, role, phase, result_blob, updated_at FROM work").iterate();
  for (const row of rows as Iterable<WorkRow>) {
    // A row of a job the view does not show is kept unless the job is known finished (not this
    // market's job, or one past the market's last job, is kept to be safe).
    const live = kept.has(row.job) || (!inView.has(row.job) && !isFinishedJob(p, row.job));
    const blob = row.result_blob?.toLowerCase();
    if (!live) {
      // A finished job paid or refunded every batch: the node's own results need no pin any more.
      if (blob && p.blobs.isPinned(blob)) released.push(blob);
    } else if (blob) {
      results.push(blob);
    } else if (!TERMINAL.has(row.phase)) {
      // Artefacts of a computation in progress are written before any row names them.
      inFlightSince = Math.min(inFlightSince, row.updated_at);
    }
  }
  for (const blob of results) {
    needed.add(blob);
    await addMentioned(p.blobs, blob, needed);
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

function isFinishedJob(p: CollectGarbageParameters, job: string): boolean {
  if (!p.isFinished || !/^\d+$/.test(job)) return false;
  return p.isFinished(BigInt(job));
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
