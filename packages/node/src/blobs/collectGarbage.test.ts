import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import type { Hex } from "viem";
import { JobStatus } from "../daemon/BatchState.js";
import type { JobView, MarketJob } from "../daemon/scanMarket.js";
import { openStore } from "../store/openStore.js";
import { collectGarbage } from "./collectGarbage.js";
import { createBlobStore } from "./createBlobStore.js";

const HOUR = 3_600_000;
const text = (s: string) => new TextEncoder().encode(s);

function job(id: bigint, specHash: string, status: number): MarketJob {
  return {
    id,
    job: {
      specHash: `0x${specHash}` as Hex,
      status: BigInt(status),
      chains: 0n,
    } as JobView,
    batches: [],
  };
}

async function setup() {
  const dir = mkdtempSync(path.join(tmpdir(), "mai-gc-"));
  const blobs = await createBlobStore({
    dir: path.join(dir, "blobs"),
    fsync: false,
  });
  const store = openStore({ file: path.join(dir, "node.sqlite") });
  const work = (jobId: bigint, batch: number, phase: string, resultBlob?: string) =>
    store.transaction(() =>
      store.work.put({
        job: jobId,
        batch,
        attempt: 0,
        role: "miner",
        phase,
        salt: undefined,
        resultRoot: undefined,
        resultBlob,
      }),
    );
  return { dir, blobs, store, work };
}

test("gc keeps what live jobs and pins need, deletes a final job's blobs and old unreferenced ones", async () => {
  const { dir, blobs, store, work } = await setup();
  try {
    // Live job 1: spec naming a model, a manifest (this node's result) listing a checkpoint and an output.
    const model = await blobs.put(text("model bytes"));
    const spec1 = await blobs.put(text(JSON.stringify({ kind: "infer", model: { sha256: `0x${model.hash}` } })));
    const ckpt = await blobs.put(text("checkpoint of job 1"));
    const out = await blobs.put(text("output of job 1"));
    const manifest1 = await blobs.put(
      text(
        JSON.stringify({
          version: 1,
          units: [
            {
              index: 0,
              root: "0x00",
              leaves: [`0x${ckpt.hash}`],
              output: out.hash,
            },
          ],
        }),
      ),
    );
    work(1n, 0, "committed", manifest1.hash);
    // Final job 2: its spec, manifest (pinned, as the miner does) and checkpoint.
    const spec2 = await blobs.put(text(JSON.stringify({ kind: "train", n: 2 })));
    const ckpt2 = await blobs.put(text("checkpoint of job 2"));
    const manifest2 = await blobs.put(
      text(
        JSON.stringify({
          version: 1,
          units: [{ index: 0, root: "0x00", leaves: [`0x${ckpt2.hash}`] }],
        }),
      ),
    );
    await blobs.pin(manifest2.hash);
    work(2n, 0, "done", manifest2.hash);
    // Nobody names these; one is pinned by the operator.
    const orphan = await blobs.put(text("orphan"));
    const pinned = await blobs.put(text("pinned by hand"));
    await blobs.pin(pinned.hash);

    const jobs = [job(1n, spec1.hash, 0), job(2n, spec2.hash, JobStatus.CLOSED | JobStatus.FINAL)];
    const graceMs = HOUR;
    // Within the grace period nothing goes, and job 2 turning final starts its retention clock.
    const t0 = Date.now();
    const early = await collectGarbage({
      blobs,
      store,
      jobs,
      graceMs,
      now: () => t0,
    });
    assert.equal(early.deleted.length, 0);
    assert.equal(blobs.list().length, 10);

    // Two grace periods later: job 2 is past its retention, old unreferenced blobs go.
    const later = await collectGarbage({
      blobs,
      store,
      jobs,
      graceMs,
      now: () => t0 + 2 * graceMs,
    });
    assert.deepEqual(new Set(later.deleted), new Set([spec2.hash, ckpt2.hash, manifest2.hash, orphan.hash]));
    assert.equal(later.pinsReleased, 1, "the final job's result pin is released");
    for (const kept of [model, spec1, ckpt, out, manifest1, pinned]) assert.ok(blobs.has(kept.hash), kept.hash);
    assert.ok(blobs.isPinned(pinned.hash));
    assert.equal(later.freedBytes, spec2.size + ckpt2.size + manifest2.size + orphan.size);

    // A reopened store (the node restarted) agrees with what is on disk.
    const again = await createBlobStore({ dir: blobs.dir, fsync: false });
    assert.deepEqual(new Set(again.list()), new Set(blobs.list()));
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("gc keeps artefacts of a computation in flight, however old, and whatever turned final recently", async () => {
  const { dir, blobs, store, work } = await setup();
  try {
    const spec = await blobs.put(text(JSON.stringify({ kind: "train", n: 3 })));
    const t0 = Date.now();
    // A lease row without a result: its checkpoints are being written, not named by anything yet.
    work(3n, 0, "leased");
    const partial = await blobs.put(text("checkpoint written mid-computation"));
    const jobs = [job(3n, spec.hash, 0)];
    const r1 = await collectGarbage({
      blobs,
      store,
      jobs,
      graceMs: HOUR,
      now: () => t0 + 10 * HOUR,
    });
    assert.equal(r1.deleted.length, 0);
    assert.ok(blobs.has(partial.hash));

    // The job turns final: kept for one grace period from when gc first saw it final, then deleted.
    const final = [job(3n, spec.hash, JobStatus.CLOSED | JobStatus.FINAL)];
    const seen = t0 + 11 * HOUR;
    const r2 = await collectGarbage({
      blobs,
      store,
      jobs: final,
      graceMs: HOUR,
      now: () => seen,
    });
    assert.equal(r2.deleted.length, 0, "final less than the grace period ago");
    const r3 = await collectGarbage({
      blobs,
      store,
      jobs: final,
      graceMs: HOUR,
      now: () => seen + HOUR + 1,
    });
    assert.deepEqual(new Set(r3.deleted), new Set([spec.hash, partial.hash]));
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("gc collects a finished job that left the market view after its grace period, and forgets it", async () => {
  const { dir, blobs, store, work } = await setup();
  try {
    const t0 = Date.now();
    const spec4 = await blobs.put(text(JSON.stringify({ kind: "train", n: 4 })));
    const manifest4 = await blobs.put(text(JSON.stringify({ version: 1, units: [], n: 4 })));
    await blobs.pin(manifest4.hash);
    work(4n, 0, "done", manifest4.hash);
    // Job 5's row outlives its job in the view, and the scanner does not know job 5 finished.
    const manifest5 = await blobs.put(text(JSON.stringify({ version: 1, units: [], n: 5 })));
    work(5n, 0, "done", manifest5.hash);
    const finishedJobs = (id: bigint) => id === 4n;
    const run = (jobs: MarketJob[], at: number) =>
      collectGarbage({ blobs, store, jobs, isFinished: finishedJobs, graceMs: HOUR, now: () => at });

    // Seen final in the view at t0 + 10 h (its blobs are long past the mtime grace).
    const seen = await run([job(4n, spec4.hash, JobStatus.CLOSED | JobStatus.FINAL)], t0 + 10 * HOUR);
    assert.equal(seen.deleted.length, 0);
    // Half an hour later the view no longer lists it (the scanner keeps only the last to finish):
    // still within its grace period, so its spec and result stay, pinned.
    const gone = await run([], t0 + 10.5 * HOUR);
    assert.equal(gone.deleted.length, 0, "finished less than the grace period ago");
    assert.ok(blobs.isPinned(manifest4.hash));
    // Past the grace period: spec and result go, the pin is released and the kv entry is dropped.
    const past = await run([], t0 + 11.5 * HOUR);
    assert.deepEqual(new Set(past.deleted), new Set([spec4.hash, manifest4.hash]));
    assert.equal(past.pinsReleased, 1);
    assert.deepEqual(store.kv.get("blobGc.finished"), {}, "a job past its grace and out of the view is forgotten");
    assert.ok(blobs.has(manifest5.hash), "a row of a job not known finished keeps its blobs");
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
