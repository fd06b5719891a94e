/**
 * The miner role: a state machine per leased batch attempt, persisted in the `work` table.
 *
 *   (lease tx) → leased → computed (result + salt in SQLite, artefacts in the blob store)
 *   → committed → revealed → [proven, in a dispute] → done | lost | abandoned
 *
 * Invariant: the salt and result are written before the commit that binds them, and every
 * transaction goes through the journaled tx manager under an id derived from the batch attempt, so
 * a node killed at any point resumes from its row (and the chain) without a second submission or a
 * lost result. Leases are adopted from the chain (batch.node == me), so a lease mined just before
 * a crash is found again.
 */
import { jobMarketAbi, merkleProof, nodeRegistryAbi } from "@maitoken/protocol";
import type { JobSpec } from "@maitoken/runtime";
import { type Hex, bytesToHex, stringToHex } from "viem";
import { randomBytes } from "node:crypto";
import type { BlobNetwork } from "../daemon/createBlobNetwork.js";
import { batchRef } from "../daemon/batchRef.js";
import { BatchFlags, BatchState, JobStatus } from "../daemon/BatchState.js";
import type { NodeContext } from "../daemon/NodeContext.js";
import type { BatchView, MarketJob, MarketView } from "../daemon/scanMarket.js";
import { sendTx } from "../daemon/sendTx.js";
import type { Work } from "../store/createWorkTable.js";
import type { BatchManifest } from "./BatchManifest.js";
import { checkJob, planBatch } from "./planBatch.js";
import { computeBatch } from "./computeBatch.js";
import { loadSpec } from "./loadSpec.js";
import { createBlockPace } from "../daemon/createBlockPace.js";

export type Miner = {
  tick: (view: MarketView) => Promise<void>;
  /** Resolves when the compute worker is idle (call after the shutdown signal, before closing the store). */
  drain: () => Promise<void>;
};

const ACTIVE = ["leased", "computed", "committed", "revealed", "proven"] as const;
const MAX_SPECS = 64;
const MAX_REJECTED_JOBS = 1024;
const REVEALABLE_AFTER_DRAW = new Set<number>([BatchState.AuditCommitted]);

export function createMiner(ctx: NodeContext, network: BlobNetwork): Miner {
  const log = ctx.logger.child({ role: "miner" });
  const market = ctx.deployment.contracts.jobMarket;
  const me = ctx.address;
  // Parsed specs of the last jobs seen, by spec hash (the oldest forgotten first: Map order is insertion order).
  const specs = new Map<string, JobSpec>();
  const seatWindows = { value: undefined as bigint | undefined };
  // The last market view, for the compute worker (which runs between ticks).
  let latest = new Map<bigint, MarketJob>();
  let worker: Promise<void> | undefined;
  // Batches inside a commit call now, and the block each commit of this run was mined in (a view
  // older than that block still shows the batch leased: that is not a reorg).
  const committing = new Set<string>();
  const committedAt = new Map<string, bigint>();
  const commits = new Set<Promise<void>>();
  const pace = createBlockPace();

  const read = <T>(functionName: string, args: readonly unknown[]) =>
    ctx.client.readContract({
      address: market,
      abi: jobMarketAbi,
      functionName,
      args,
    } as never) as Promise<T>;
  const key = (w: Pick<Work, "job" | "batch" | "attempt">) => `${w.job}:${w.batch}:${w.attempt}`;
  const rejectedJobs = () => new Set(ctx.store.kv.get<string[]>("miner.rejectedJobs") ?? []);

  async function specOf(job: MarketJob) {
    const cached = specs.get(job.job.specHash);
    if (cached) return { kind: "ok" as const, spec: cached };
    const loaded = await loadSpec(network, job.job.specHash);
    if (loaded.kind === "ok") {
      specs.set(job.job.specHash, loaded.spec);
      if (specs.size > MAX_SPECS) specs.delete(specs.keys().next().value as string);
    }
    return loaded;
  }

  async function abandon(w: Work, reason: string) {
    log.warn({ job: w.job, batch: w.batch, reason }, "abandoning batch");
    const ref = batchRef(w.job, w.batch);
    await sendTx(ctx, {
      to: market,
      abi: jobMarketAbi,
      functionName: "abandon",
      args: [ref, stringToHex(reason.slice(0, 31), { size: 32 })],
      intentId: `abandon:${key(w)}`,
    });
    ctx.store.transaction(() => ctx.store.work.put({ ...w, phase: "abandoned" }));
  }

  function rejectJob(jobId: bigint) {
    const set = rejectedJobs();
    set.add(jobId.toString());
    // The oldest go first (a job rejected that long ago has long finished): the list stays bounded.
    ctx.store.kv.set("miner.rejectedJobs", [...set].slice(-MAX_REJECTED_JOBS));
  }

  /** Runs a leased batch and stores result + salt in one transaction (before any commit). */
  async function compute(w: Work, job: MarketJob) {
    const spec = await specOf(job);
    if (spec.kind === "unavailable") return;
    if (spec.kind === "unrunnable") {
      rejectJob(w.job);
      return abandon(w, spec.reason);
    }
    const plan = planBatch(spec.spec, job.job, w.batch);
    if (!plan.ok) {
      rejectJob(w.job);
      return abandon(w, plan.reason);
    }
    const c = Number(job.job.chains);
    const pred = c > 0 && w.batch >= c ? job.batches[w.batch - c] : undefined;
    let result: Awaited<ReturnType<typeof computeBatch>>;
    let seconds = 0;
    try {
      result = await computeBatch({
        spec: spec.spec,
        jobId: w.job,
        batchIndex: w.batch,
        attempt: w.attempt,
        node: me,
        runtimeUnits: plan.runtimeUnits,
        predecessor: pred ? { node: pred.node, root: pred.digest, batchIndex: w.batch - c } : undefined,
        blobs: ctx.blobs,
        network,
        cheat: ctx.options.cheat,
        signal: ctx.shutdown,
        onUnit: (unitSeconds) => {
          seconds += unitSeconds;
          ctx.metrics.workloadSeconds?.observe({ kind: spec.spec.kind, role: "miner" }, unitSeconds);
          ctx.compute.observe(unitSeconds, Number(job.job.cuPerUnit));
        },
      });
    } catch (error) {
      if (ctx.shutdown.aborted) return;
      if ((error as { code?: string }).code === "PREDECESSOR_UNPROVABLE") {
        // Not the job's fault: wait for the predecessor's audit to re-open it. Only a bad root that was
        // accepted anyway (no audit drawn) can never be built on: that chain is dead.
        if (pred?.state === BatchState.Accepted) {
          rejectJob(w.job);
          return abandon(w, "predecessor unprovable");
        }
        log.warn(
          { job: w.job, batch: w.batch, predecessor: w.batch - c },
          "the predecessor's revealed result does not prove; waiting for its audit to re-open it",
        );
        return;
      }
      if ((error as { retryable?: boolean }).retryable) {
        log.warn({ err: error, job: w.job, batch: w.batch }, "batch inputs not available yet");
        return;
      }
      log.error({ err: error, job: w.job, batch: w.batch }, "workload failed");
      rejectJob(w.job);
      return abandon(w, "unrunnable");
    }
    ctx.metrics.unitsComputed.inc({ kind: spec.spec.kind, role: "miner" }, result.unitRoots.length);
    const salt = bytesToHex(randomBytes(32));
    await ctx.blobs.pin(result.manifestHash).catch(() => {});
    ctx.store.transaction(() => {
      // The tick may have closed the row while we computed (lease lost, batch re-opened): keep that.
      if (ctx.store.work.get(w)?.phase !== "leased") return;
      ctx.store.work.put({
        ...w,
        phase: "computed",
        salt,
        resultRoot: result.manifest.root,
        resultBlob: result.manifestHash,
      });
    });
    log.info(
      { job: w.job, batch: w.batch, root: result.manifest.root, seconds: Math.round(seconds * 1000) / 1000 },
      "batch computed",
    );
  }

  /**
   * The compute worker: runs leased batches one after another, apart from the tick, so that the
   * workload never waits for a lease, commit or reveal receipt, and a receipt never waits for the
   * workload (it runs between units, which yield to the event loop). One batch at a time: the
   * runtime uses the whole core it gets.
   */
  function startWorker() {
    if (worker) return;
    // Cleared by `.finally`, which runs after this assignment even when the loop ends at once.
    worker = runWorker().finally(() => {
      worker = undefined;
    });
  }

  async function runWorker() {
    const tried = new Set<string>();
    try {
      for (;;) {
        if (ctx.shutdown.aborted) return;
        // Earliest lease end first.
        const next = ctx.store.work
          .listByPhase("miner", ["leased"])
          .filter((w) => latest.has(w.job) && !tried.has(key(w)))
          .sort((a, b) => Number(leaseEnd(a) - leaseEnd(b)))[0];
        if (!next) return;
        tried.add(key(next));
        await compute(next, latest.get(next.job) as MarketJob);
        // Commit at once (the lease is running), without waiting for the receipt to start the next batch.
        const committed = commitAll(ctx.store.work.listByPhase("miner", ["computed"]), latest).catch((error) => {
          if (!ctx.shutdown.aborted) log.warn({ err: error }, "commit after compute failed; the tick retries");
        });
        commits.add(committed);
        void committed.finally(() => commits.delete(committed));
        await new Promise((r) => setImmediate(r));
      }
    } catch (error) {
      if (!ctx.shutdown.aborted) log.error({ err: error }, "compute worker step failed; retrying next tick");
    }
  }

  function leaseEnd(w: Work): bigint {
    return latest.get(w.job)?.batches[w.batch]?.deadline ?? 0n;
  }

  async function commitAll(rows: Work[], view: Map<bigint, MarketJob>) {
    // The worker commits as soon as a batch is computed and the tick commits what is left: a batch
    // is in at most one commit call at a time, and only while its row still says computed.
    const ready = rows
      .filter((w) => !committing.has(key(w)) && ctx.store.work.get(w)?.phase === "computed")
      .filter((w) => view.get(w.job)?.batches[w.batch]?.state === BatchState.Leased)
      .slice(0, 8);
    if (ready.length === 0) return;
    for (const w of ready) committing.add(key(w));
    try {
      await sendCommit(ready);
    } finally {
      for (const w of ready) committing.delete(key(w));
    }
  }

  async function sendCommit(ready: Work[]) {
    const refs: bigint[] = [];
    const commitments: Hex[] = [];
    const rows = ready.map((w) => ctx.store.work.get(w) as Work);
    for (const w of rows) {
      const ref = batchRef(w.job, w.batch);
      refs.push(ref);
      commitments.push(await read<Hex>("expectedCommitment", [ref, w.resultRoot, w.salt, me]));
    }
    const ids = rows.map(key).join(",");
    const r = await sendTx(ctx, {
      to: market,
      abi: jobMarketAbi,
      functionName: "commit",
      args: [refs, commitments],
      intentId: `commit:${ids}`,
    });
    if (r?.receipt.status === "success") {
      ctx.store.transaction(() => {
        for (const w of rows) ctx.store.work.put({ ...w, phase: "committed" });
      });
      for (const w of rows) committedAt.set(key(w), r.receipt.blockNumber);
      log.info({ batches: ids }, "committed");
    }
  }

  async function revealable(w: Work, job: MarketJob, now: bigint): Promise<boolean> {
    const b = job.batches[w.batch];
    if (!b) return false;
    if (REVEALABLE_AFTER_DRAW.has(b.state)) return true;
    const ref = batchRef(w.job, w.batch);
    if (b.state === BatchState.Committed) {
      const [ready, audited] = await read<[boolean, boolean, boolean, bigint]>("auditDraw", [ref]);
      if (!ready) return false;
      if (!audited) return true;
      // Audited: store the draw so the seat windows start running (and can lapse) even without a keeper.
      if ((b.flags & BatchFlags.DRAWN) === 0n) {
        await sendTx(ctx, {
          to: market,
          abi: jobMarketAbi,
          functionName: "drawAudit",
          args: [ref],
          intentId: `draw:${key(w)}`,
          quiet: true,
        });
      }
      return false;
    }
    if (b.state === BatchState.AuditSeated) {
      seatWindows.value ??= await read<bigint>("AUDIT_SEAT_WINDOWS", []);
      const [, , seatStart] = await read<[string, bigint, bigint]>("getAudit", [ref]);
      const auditWindow = BigInt(ctx.deployment.parameters.market.auditWindow ?? 0n);
      return now >= seatStart + seatWindows.value * auditWindow;
    }
    return false;
  }

  async function revealAll(rows: Work[], view: Map<bigint, MarketJob>, now: bigint) {
    const ready: Work[] = [];
    for (const w of rows) {
      const job = view.get(w.job);
      if (job && (await revealable(w, job, now))) ready.push(w);
    }
    if (ready.length === 0) return;
    const batch = ready.slice(0, 8);
    const r = await sendTx(ctx, {
      to: market,
      abi: jobMarketAbi,
      functionName: "reveal",
      args: [batch.map((w) => batchRef(w.job, w.batch)), batch.map((w) => w.resultRoot), batch.map((w) => w.salt)],
      intentId: `reveal:${batch.map(key).join(",")}`,
    });
    if (r?.receipt.status === "success") {
      ctx.store.transaction(() => {
        for (const w of batch) ctx.store.work.put({ ...w, phase: "revealed" });
      });
      log.info({ batches: batch.map(key).join(",") }, "revealed");
    }
  }

  /** In a dispute the primary proves its unit root at the drawn index (its manifest holds the roots). */
  async function prove(w: Work) {
    const ref = batchRef(w.job, w.batch);
    const [, , , unitIndex] = await read<[string, bigint, bigint, bigint]>("getAudit", [ref]);
    if (!w.resultBlob) return;
    const manifest = JSON.parse(new TextDecoder().decode(await ctx.blobs.get(w.resultBlob))) as BatchManifest;
    const roots = manifest.units.map((u) => u.root);
    const i = Number(unitIndex);
    const r = await sendTx(ctx, {
      to: market,
      abi: jobMarketAbi,
      functionName: "proveUnit",
      args: [ref, roots[i], merkleProof(roots, i)],
      intentId: `prove:${key(w)}`,
    });
    if (r?.receipt.status === "success") ctx.store.transaction(() => ctx.store.work.put({ ...w, phase: "proven" }));
  }

  async function leaseNew(view: MarketView, active: number) {
    let room = ctx.options.maxConcurrentWork - active;
    if (room <= 0) return;
    const slashBps = BigInt(ctx.deployment.parameters.market.slashBps ?? 5000n);
    const node = (await ctx.client.readContract({
      address: ctx.deployment.contracts.registry,
      abi: nodeRegistryAbi,
      functionName: "getNode",
      args: [me],
    })) as { stake: bigint; registered: boolean; jailed: boolean; capacityCUps: bigint };
    if (!node.registered || node.jailed) return;
    // Time budget: a batch is taken only if everything leased before it and the batch itself can be
    // computed, and the commit mined, before its lease ends (the market sets the lease from the
    // registered capacity: 2 x CU / capacity within [minLeaseDuration, maxLeaseDuration]).
    const mp = ctx.deployment.parameters.market;
    const minLease = Number(mp.minLeaseDuration ?? 0n);
    const maxLease = Number(mp.maxLeaseDuration ?? 2n ** 32n);
    const capacity = Math.max(1, Number(node.capacityCUps));
    // Until this node has timed a unit it takes one batch at a time (a registered capacity is a claim).
    // A devnet cheater computes nothing: it takes every batch it can, as a real one would.
    const perCU = ctx.options.cheat ? 0 : (ctx.compute.secondsPerCU() ?? Number.POSITIVE_INFINITY);
    const cuOf = (jobId: bigint, batch: number) => {
      const j = view.jobs.find((x) => x.id === jobId);
      return Number((j?.batches[batch]?.units ?? 0n) * (j?.job.cuPerUnit ?? 0n));
    };
    let queued = ctx.store.work
      .listByPhase("miner", ["leased"])
      .reduce((sum, w) => sum + Math.max(1, cuOf(w.job, w.batch)) * perCU, 0);
    ctx.compute.minerSeconds = Number.isFinite(queued) ? queued : 0;
    // Just in time: work queued beyond what keeps the worker busy until the next lease could land
    // (three blocks and a poll: a lease another node won costs a block) stays open for idle nodes,
    // so the last batches of a job do not pile up on one node while another waits (a job ends when
    // its slowest node does).
    const lookahead = 3 * pace.blockSeconds() + ctx.options.pollIntervalMs / 1000 + 1;
    const fits = (cu: number) => {
      const lease = Math.min(maxLease, Math.max(minLease, 2 * Math.ceil(cu / capacity)));
      const ahead = queued + ctx.compute.auditSeconds;
      if (ahead === 0) return true;
      if (ahead >= lookahead) return false;
      // Room for the commit to be mined after the last unit: a fifth of the lease, at least 3 s.
      return ahead + cu * perCU + Math.max(3, lease / 5) <= lease;
    };
    let free = (await ctx.client.readContract({
      address: ctx.deployment.contracts.registry,
      abi: nodeRegistryAbi,
      functionName: "freeStake",
      args: [me],
    })) as bigint;
    const perLease = (node.stake * slashBps) / 10_000n;
    const rejected = rejectedJobs();
    for (const job of view.jobs) {
      if (room <= 0 || free < perLease) return;
      const j = job.job;
      if ((Number(j.status) & (JobStatus.CLOSED | JobStatus.FROZEN)) !== 0 || j.deadline <= view.now) continue;
      if (rejected.has(job.id.toString())) continue;
      if (j.pricePerUnit < ctx.options.minPricePerCU * j.cuPerUnit) continue;
      const ready = job.batches
        .map((b, i) => ({ b, i }))
        .filter(
          ({ b, i }) =>
            b.state === BatchState.Open &&
            // `anchorBlock` of an open batch is the block it opened in (job creation or re-opening).
            view.head >= b.anchorBlock + BigInt(ctx.options.leaseDelayBlocks) &&
            predecessorReady(job, i),
        );
      if (ready.length === 0) continue;
      // Nodes leasing at the same time would all reach for the lowest open batch and all but one
      // lease would revert: each node starts at its own place in the list (from its address).
      const from = Number(BigInt(me) % BigInt(ready.length));
      const open = [...ready.slice(from), ...ready.slice(0, from)];
      const spec = await specOf(job);
      if (spec.kind === "unavailable") {
        log.debug({ job: job.id, err: spec.error }, "job spec not available yet");
        continue;
      }
      const refusal = spec.kind === "unrunnable" ? spec.reason : checkJob(spec.spec, j);
      // Every batch this node may take now, leased in one transaction (all or nothing on chain).
      const take: { b: BatchView; i: number }[] = [];
      for (const { b, i } of open) {
        if (take.length >= room || free < perLease * BigInt(take.length + 1)) break;
        const cu = Number(b.units * j.cuPerUnit);
        if (!fits(cu)) break;
        const [eligible] = await read<[boolean, boolean]>("leaseEligibility", [batchRef(job.id, i), me]);
        if (eligible) {
          take.push({ b, i });
          queued += Math.max(1, cu) * perCU;
          ctx.compute.minerSeconds = Number.isFinite(queued) ? queued : 0;
        }
        // One lease is enough to give a job back with the reason.
        if (refusal && take.length > 0) break;
      }
      if (take.length === 0) {
        log.debug({ job: job.id, open: open.length }, "no open batch of this job is eligible for this node yet");
        continue;
      }
      const r = await sendTx(ctx, {
        to: market,
        abi: jobMarketAbi,
        functionName: "leaseBatches",
        args: [job.id, take.map(({ i }) => BigInt(i))],
        intentId: `lease:${job.id}:${take.map(({ i, b }) => `${i}.${b.attempt}`).join("+")}:${view.head}`,
        // Another node may win a batch between our read and our call: that is not worth a warning.
        quiet: true,
      });
      if (r?.receipt.status !== "success") continue;
      const rows = take.map(({ b, i }) => ({
        job: job.id,
        batch: i,
        attempt: Number(b.attempt),
        role: "miner" as const,
        phase: "leased",
        salt: undefined,
        resultRoot: undefined,
        resultBlob: undefined,
      }));
      ctx.store.transaction(() => {
        for (const w of rows) ctx.store.work.put(w);
      });
      log.info({ job: job.id, batches: take.map(({ i }) => i).join(",") }, "leased");
      room -= take.length;
      free -= perLease * BigInt(take.length);
      if (refusal) {
        // A job this node cannot run as posted: give the lease back with the reason (the requester bond pays).
        rejectJob(job.id);
        for (const w of rows) await abandon({ ...w, updatedAt: Date.now() }, refusal);
      }
    }
  }

  function predecessorReady(job: MarketJob, i: number): boolean {
    const c = Number(job.job.chains);
    if (c === 0 || i < c) return true;
    const s = job.batches[i - c]?.state;
    return (
      s === BatchState.Revealed || s === BatchState.Disputed || s === BatchState.Verified || s === BatchState.Accepted
    );
  }

  return {
    drain: async () => {
      await worker;
      await Promise.allSettled([...commits]);
    },
    tick: async (view) => {
      const byJob = new Map(view.jobs.map((j) => [j.id, j]));
      // Adopt leases the chain gives this node but the store does not know (a crash right after the lease).
      for (const job of view.jobs) {
        job.batches.forEach((b, i) => {
          if (b.node !== me || b.state !== BatchState.Leased) return;
          const k = {
            job: job.id,
            batch: i,
            attempt: Number(b.attempt),
            role: "miner" as const,
          };
          if (!ctx.store.work.get(k)) {
            ctx.store.transaction(() =>
              ctx.store.work.put({
                ...k,
                phase: "leased",
                salt: undefined,
                resultRoot: undefined,
                resultBlob: undefined,
              }),
            );
          }
        });
      }
      let rows = ctx.store.work.listByPhase("miner", ACTIVE);
      // Close rows whose attempt is over (accepted, re-opened, or the job is settled and no longer scanned).
      for (const listed of rows) {
        // The compute worker may have moved the row on since it was listed: decide on what is stored.
        const w = ctx.store.work.get(listed);
        if (!w || !(ACTIVE as readonly string[]).includes(w.phase)) continue;
        const b = byJob.get(w.job)?.batches[w.batch];
        let phase: string | undefined;
        if (!b) phase = "done";
        else if (Number(b.attempt) !== w.attempt || b.node !== me) phase = "lost";
        else if (b.state === BatchState.Accepted || b.state === BatchState.Verified) phase = "done";
        else if (b.state === BatchState.Indeterminate) phase = "done";
        else if (w.phase === "computed" && b.state >= BatchState.Committed) phase = "committed";
        else if (
          w.phase === "committed" &&
          b.state === BatchState.Leased &&
          view.head >= (committedAt.get(key(w)) ?? 0n)
        )
          phase = "computed";
        else if (w.phase === "revealed" && b.state >= BatchState.Committed && b.state < BatchState.Revealed)
          phase = "committed";
        if (phase === "computed" || (phase === "committed" && w.phase === "revealed")) {
          // The chain no longer holds our commit (or reveal): a reorg dropped it. Stepping back makes
          // the next step follow the same journaled intent, which re-broadcasts the signed transaction.
          log.warn(
            { job: w.job, batch: w.batch, phase: w.phase },
            "our transaction was reorged away; sending it again",
          );
        }
        // The view shows the commit (or the row is closed): a later step-back is a real reorg.
        if (!b || phase === "done" || phase === "lost" || b.state >= BatchState.Committed) committedAt.delete(key(w));
        if (phase) {
          const done = phase;
          ctx.store.transaction(() => ctx.store.work.put({ ...w, phase: done }));
          if (done === "done" && b?.state === BatchState.Accepted)
            log.info({ job: w.job, batch: w.batch }, "batch accepted");
        }
      }
      latest = byJob;
      startWorker();
      if (ctx.shutdown.aborted) return;
      pace.observe(view);
      rows = ctx.store.work.listByPhase("miner", ACTIVE);
      // Commits, leases, reveals and proofs touch different batches: they go out side by side and
      // land in the same block (one after another they took a block each).
      // Batches still to compute or commit count against the lease limit (committed ones wait on the chain).
      const active = ctx.store.work.listByPhase("miner", ["leased", "computed"]).length;
      await Promise.all([
        commitAll(
          rows.filter((r) => r.phase === "computed"),
          byJob,
        ),
        leaseNew(view, active).then(startWorker),
        revealAll(
          rows.filter((r) => r.phase === "committed"),
          byJob,
          view.now,
        ),
        ...rows
          .filter((r) => r.phase === "revealed" && byJob.get(r.job)?.batches[r.batch]?.state === BatchState.Disputed)
          .map(prove),
      ]);
    },
  };
}
