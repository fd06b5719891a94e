/**
 * The auditor role: takes audit seats this node is drawn for, re-executes the drawn unit, commits its
 * own unit root before any reveal, and reveals it with the Merkle proof that places it in the
 * primary's revealed root (no proof when they differ, which opens a dispute). It also sits on
 * dispute committees it is eligible for, voting with its own re-execution.
 * Salt and unit root are written to the `work` table (role `auditor`) before the commit that binds
 * them; committee rows use phases `vote-*` (an auditor never sits on its own batch's committee).
 */
import { randomBytes } from "node:crypto";
import { jobMarketAbi, merkleProof } from "@maitoken/protocol";
import { type Hex, bytesToHex, encodeAbiParameters, keccak256 } from "viem";
import type { BlobNetwork } from "../daemon/createBlobNetwork.js";
import { batchRef } from "../daemon/batchRef.js";
import { BatchFlags, BatchState } from "../daemon/BatchState.js";
import type { NodeContext } from "../daemon/NodeContext.js";
import type { MarketJob, MarketView } from "../daemon/scanMarket.js";
import { sendTx } from "../daemon/sendTx.js";
import { computeBatch } from "../miner/computeBatch.js";
import { fetchManifest } from "../miner/fetchManifest.js";
import { loadSpec } from "../miner/loadSpec.js";
import { planBatch } from "../miner/planBatch.js";

export type Auditor = {
  tick: (view: MarketView) => Promise<void>;
  /** Resolves when no re-execution is running (call after the shutdown signal, before closing the store). */
  drain: () => Promise<void>;
};

type AuditRecord = [Hex, bigint, bigint, bigint, boolean, boolean, Hex];

/** The six-field commitment auditors and committee members use (IJobMarket header). */
export function unitCommitment(jobId: bigint, batch: number, attempt: number, root: Hex, salt: Hex, node: Hex): Hex {
  return keccak256(
    encodeAbiParameters(
      [
        { type: "uint256" },
        { type: "uint256" },
        { type: "uint256" },
        { type: "bytes32" },
        { type: "bytes32" },
        { type: "address" },
      ],
      [jobId, BigInt(batch), BigInt(attempt), root, salt, node],
    ),
  );
}

export function createAuditor(ctx: NodeContext, network: BlobNetwork): Auditor {
  const log = ctx.logger.child({ role: "auditor" });
  const market = ctx.deployment.contracts.jobMarket;
  const me = ctx.address;
  const committeeWindow = BigInt(ctx.deployment.parameters.market.committeeWindow ?? 0n);
  const read = <T>(functionName: string, args: readonly unknown[]) =>
    ctx.client.readContract({
      address: market,
      abi: jobMarketAbi,
      functionName,
      args,
    } as never) as Promise<T>;

  // Re-executions run apart from the tick, so the node keeps committing, revealing and leasing
  // meanwhile; a later tick finds the result stored and commits it. Each holds its estimated seconds
  // in the node's compute load until it ends.
  const running = new Map<string, { done: Promise<void>; seconds: number }>();
  // Seats being claimed or claimed and not yet re-executing, by batch attempt: they count as held work
  // from the moment the claim is decided, so seats weighed side by side in one step do not all fit
  // into the same free time. An entry ends when its run starts, or when the claim fails or is stale.
  const seats = new Map<string, { seconds: number; since: number }>();
  const updateLoad = () => {
    const held = [...running.values(), ...seats.values()];
    ctx.compute.auditSeconds = held.reduce((sum, r) => sum + r.seconds, 0);
  };
  function startRun(id: string, seconds: number, run: () => Promise<void>) {
    if (running.has(id)) return;
    const done = run()
      .catch((error) => {
        if (!ctx.shutdown.aborted) log.warn({ err: error, run: id }, "re-execution failed; retrying next tick");
      })
      .finally(() => {
        running.delete(id);
        updateLoad();
      });
    running.set(id, { done, seconds });
    updateLoad();
  }

  /** Estimated seconds to re-execute for a batch (a training audit replays up to the whole batch). */
  function auditSeconds(job: MarketJob, batch: number): number {
    const units = job.job.chains > 0n ? Number(job.batches[batch]?.units ?? 1n) : 1;
    return units * Number(job.job.cuPerUnit) * (ctx.compute.secondsPerCU() ?? 0);
  }

  /**
   * Re-executes unit `unitIndex` of a batch (train: from the batch's start, so the chain is honest):
   * its root, and the manifest hash of what was run (in this node's blob store, outputs included).
   */
  async function reRun(
    job: MarketJob,
    batch: number,
    attempt: number,
    unitIndex: number,
  ): Promise<{ root: Hex; manifest: string } | undefined> {
    const loaded = await loadSpec(network, job.job.specHash);
    if (loaded.kind !== "ok") return undefined;
    const plan = planBatch(loaded.spec, job.job, batch);
    if (!plan.ok) return undefined;
    const c = Number(job.job.chains);
    const pred = c > 0 && batch >= c ? job.batches[batch - c] : undefined;
    const train = loaded.spec.kind === "train";
    const units = train ? plan.runtimeUnits.slice(0, unitIndex + 1) : [plan.runtimeUnits[unitIndex] as number];
    let seconds = 0;
    const result = await computeBatch({
      spec: loaded.spec,
      jobId: job.id,
      batchIndex: batch,
      attempt,
      node: me,
      runtimeUnits: units,
      predecessor: pred ? { node: pred.node, root: pred.digest, batchIndex: batch - c } : undefined,
      blobs: ctx.blobs,
      network,
      priority: "audit",
      signal: ctx.shutdown,
      onUnit: (unitSeconds) => {
        seconds += unitSeconds;
        ctx.metrics.workloadSeconds?.observe({ kind: loaded.spec.kind, role: "auditor" }, unitSeconds);
        ctx.compute.observe(unitSeconds, Number(job.job.cuPerUnit));
      },
    });
    ctx.metrics.unitsComputed.inc({ kind: loaded.spec.kind, role: "auditor" }, units.length);
    log.info({ job: job.id, batch, units: units.length, seconds: Math.round(seconds * 1000) / 1000 }, "re-executed");
    const root = result.unitRoots[result.unitRoots.length - 1];
    return root ? { root, manifest: result.manifestHash } : undefined;
  }

  /** Starts re-executing the drawn unit of a seat this node holds; the result is stored for the commit. */
  function reExecute(job: MarketJob, i: number, attempt: number, unitIndex: number) {
    const key = { job: job.id, batch: i, attempt, role: "auditor" as const };
    seats.delete(`${job.id}:${i}:${attempt}`);
    startRun(`audit:${job.id}:${i}:${attempt}`, auditSeconds(job, i), async () => {
      const ran = await reRun(job, i, attempt, unitIndex);
      if (!ran || ctx.shutdown.aborted) return;
      ctx.store.transaction(() => {
        if (ctx.store.work.get(key)?.salt) return;
        ctx.store.work.put({
          ...key,
          phase: "computed",
          salt: bytesToHex(randomBytes(32)),
          resultRoot: ran.root,
          // The re-executed unit's manifest and outputs: if the primary loses the dispute, the requester
          // fetches the audited unit from here (the slashed primary's result is not the accepted one).
          resultBlob: ran.manifest,
        });
      });
    });
  }

  async function audit(job: MarketJob, i: number) {
    const b = job.batches[i];
    if (!b) return;
    const ref = batchRef(job.id, i);
    const attempt = Number(b.attempt);
    const key = { job: job.id, batch: i, attempt, role: "auditor" as const };
    const row = ctx.store.work.get(key);
    const drawn = (b.flags & BatchFlags.DRAWN) !== 0n;
    if ((b.state === BatchState.Committed && !drawn) || b.state === BatchState.AuditSeated) {
      if (b.node === me) return;
      if (b.state === BatchState.Committed) {
        const [ready, audited] = await read<[boolean, boolean, boolean, bigint]>("auditDraw", [ref]);
        if (!ready || !audited) return;
      }
      const a = await read<AuditRecord>("getAudit", [ref]);
      if (a[0] === me && !a[4]) {
        // Our seat: compute, persist, commit.
        if (!row?.salt) return reExecute(job, i, attempt, Number(a[3]));
        const commitment = unitCommitment(job.id, i, attempt, row.resultRoot as Hex, row.salt as Hex, me);
        const r = await sendTx(ctx, {
          to: market,
          abi: jobMarketAbi,
          functionName: "commitAudit",
          args: [ref, commitment],
          intentId: `audit-commit:${job.id}:${i}:${attempt}`,
        });
        if (r?.receipt.status === "success") {
          ctx.store.transaction(() => ctx.store.work.put({ ...row, phase: "committed" }));
          log.info({ job: job.id, batch: i, unit: Number(a[3]) }, "audit committed");
        }
        return;
      }
      if (a[0] === me || !(await read<boolean>("seatEligibility", [ref, me]))) return;
      // A seat is taken only if this node can re-execute in time: what it already holds runs first.
      const window = Number(ctx.deployment.parameters.market.auditWindow ?? 0n);
      const ahead = ctx.compute.minerSeconds + ctx.compute.auditSeconds;
      const seconds = auditSeconds(job, i);
      if (ahead > 0 && ahead + seconds > window / 2) return;
      const seat = `${job.id}:${i}:${attempt}`;
      seats.set(seat, { seconds, since: Date.now() });
      updateLoad();
      const r = await sendTx(ctx, {
        to: market,
        abi: jobMarketAbi,
        functionName: "claimAuditSeat",
        args: [ref],
        intentId: `seat:${seat}:${a[0]}`,
        quiet: true,
      });
      if (r?.receipt.status !== "success") {
        seats.delete(seat);
        updateLoad();
        return;
      }
      log.info({ job: job.id, batch: i }, "audit seat claimed");
      // The seat is ours from this receipt on: re-execute now rather than a block later.
      const seated = await read<AuditRecord>("getAudit", [ref]);
      if (seated[0] === me && !seated[4]) reExecute(job, i, attempt, Number(seated[3]));
      return;
    }
    if (b.state === BatchState.Revealed && row?.phase === "committed") {
      const a = await read<AuditRecord>("getAudit", [ref]);
      if (a[0] !== me) return;
      const index = Number(a[3]);
      let proof: Hex[] = [];
      let matched = false;
      try {
        const manifest = await fetchManifest({
          network,
          node: b.node,
          jobId: job.id,
          batchIndex: i,
          root: b.digest,
          checkLeaves: false,
        });
        const roots = manifest.units.map((u) => u.root);
        // A one-unit batch's proof is empty: its root is the unit root itself.
        matched = roots[index] === row.resultRoot;
        if (matched) proof = merkleProof(roots, index);
      } catch (error) {
        log.warn({ err: error, job: job.id, batch: i }, "primary's roots unavailable: revealing without proof");
      }
      const r = await sendTx(ctx, {
        to: market,
        abi: jobMarketAbi,
        functionName: "revealAudit",
        args: [ref, row.resultRoot, row.salt, proof],
        intentId: `audit-reveal:${job.id}:${i}:${attempt}`,
      });
      if (r?.receipt.status === "success") {
        ctx.store.transaction(() => ctx.store.work.put({ ...row, phase: "revealed" }));
        ctx.metrics.audits.inc({
          role: "auditor",
          verdict: matched ? "match" : "mismatch",
        });
        log.info({ job: job.id, batch: i, matched }, "audit revealed");
      }
      return;
    }
    if (b.state === BatchState.Disputed) await vote(job, i, row);
  }

  async function vote(job: MarketJob, i: number, row: ReturnType<typeof ctx.store.work.get>) {
    const b = job.batches[i];
    if (!b) return;
    const ref = batchRef(job.id, i);
    const attempt = Number(b.attempt);
    const key = { job: job.id, batch: i, attempt, role: "auditor" as const };
    const [round, members, start] = await read<[bigint, bigint, bigint]>("getDispute", [ref]);
    const phaseKey = `vote-${round}`;
    if (!row?.phase.startsWith(phaseKey)) {
      if (row && !row.phase.startsWith("vote-")) return; // the auditor of this batch does not vote
      if (!(await read<boolean>("committeeEligibility", [ref, me]))) return;
      const [, , , unitIndex] = await read<AuditRecord>("getAudit", [ref]);
      startRun(`vote:${job.id}:${i}:${attempt}:${round}`, auditSeconds(job, i), async () => {
        const ran = await reRun(job, i, attempt, Number(unitIndex));
        if (!ran || ctx.shutdown.aborted) return;
        ctx.store.transaction(() => {
          if (ctx.store.work.get(key)?.phase.startsWith(phaseKey)) return;
          ctx.store.work.put({
            ...key,
            phase: `${phaseKey}-computed`,
            salt: bytesToHex(randomBytes(32)),
            resultRoot: ran.root,
            resultBlob: ran.manifest,
          });
        });
      });
      return;
    }
    if (row.phase === `${phaseKey}-computed`) {
      const commitment = unitCommitment(job.id, i, attempt, row.resultRoot as Hex, row.salt as Hex, me);
      const r = await sendTx(ctx, {
        to: market,
        abi: jobMarketAbi,
        functionName: "joinCommittee",
        args: [ref, commitment],
        intentId: `join:${job.id}:${i}:${attempt}:${round}`,
      });
      if (r?.receipt.status === "success") {
        const done = row;
        ctx.store.transaction(() => ctx.store.work.put({ ...done, phase: `${phaseKey}-joined` }));
        log.info({ job: job.id, batch: i, round: Number(round) }, "joined dispute committee");
      }
      return;
    }
    if (row.phase === `${phaseKey}-joined`) {
      const seats = BigInt(ctx.deployment.parameters.market.committeeSize ?? 1n);
      const now = (await ctx.client.getBlock()).timestamp;
      if (members < seats && now < start + committeeWindow) return;
      const r = await sendTx(ctx, {
        to: market,
        abi: jobMarketAbi,
        functionName: "revealVote",
        args: [ref, row.resultRoot, row.salt],
        intentId: `vote:${job.id}:${i}:${attempt}:${round}`,
      });
      if (r?.receipt.status === "success") {
        const done = row;
        ctx.store.transaction(() => ctx.store.work.put({ ...done, phase: `${phaseKey}-revealed` }));
        ctx.metrics.disputes.inc({ role: "committee", outcome: "voted" });
        log.info({ job: job.id, batch: i }, "committee vote revealed");
      }
    }
  }

  return {
    drain: async () => {
      await Promise.allSettled([...running.values()].map((r) => r.done));
    },
    tick: async (view) => {
      // A seat whose run never started within an audit window is lost or lapsed: stop holding it.
      const stale = Date.now() - 1000 * Number(ctx.deployment.parameters.market.auditWindow ?? 0n);
      for (const [seat, held] of seats) if (held.since < stale) seats.delete(seat);
      updateLoad();
      // Batches are independent: their reads and transactions go out side by side, so one step
      // commits and reveals every audit that is ready in the same block.
      const steps: Promise<void>[] = [];
      for (const job of view.jobs) {
        for (let i = 0; i < job.batches.length; i++) {
          const s = job.batches[i]?.state;
          if (
            s === BatchState.Committed ||
            s === BatchState.AuditSeated ||
            s === BatchState.Revealed ||
            s === BatchState.Disputed
          ) {
            steps.push(
              audit(job, i).catch((error) => {
                if (!ctx.shutdown.aborted)
                  log.warn({ err: error, job: job.id, batch: i }, "audit step failed; retrying next tick");
              }),
            );
          }
        }
      }
      await Promise.all(steps);
    },
  };
}
