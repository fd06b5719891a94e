/**
 * The keeper role: triggers every transition the contracts leave to "anyone" once its deadline has
 * passed: expired leases, missed reveals (forfeit), stored audit draws, chained finalization,
 * dispute resolution, stale chained successors (`reopenStale`), successors of an Indeterminate batch
 * (`closeOrphan`) and epoch settlement. Each call is
 * keyed by batch attempt, so the journal never sends the same transition twice, and a call another
 * keeper beat us to fails at estimation (nothing sent). The keeper also runs the blob store's
 * garbage collection every `blobGcIntervalMinutes`, since it already holds the market view that
 * says which jobs are still live.
 */
import { jobMarketAbi, rewardEngineAbi } from "@maitoken/protocol";
import { batchRef } from "../daemon/batchRef.js";
import { BatchFlags, BatchState, JobStatus } from "../daemon/BatchState.js";
import type { NodeContext } from "../daemon/NodeContext.js";
import type { BatchView, MarketJob, MarketView } from "../daemon/scanMarket.js";
import { sendTx } from "../daemon/sendTx.js";
import { decodeRevert } from "../chain/decodeRevert.js";
import { collectGarbage } from "../blobs/collectGarbage.js";
import { epochAdvanceDue } from "./epochAdvanceDue.js";
import { staleSuccessor } from "./staleSuccessor.js";

export type Keeper = { tick: (view: MarketView) => Promise<void> };

// States `closeOrphan` settles (a Disputed batch waits for its dispute to resolve).
const ORPHANABLE = new Set<number>([
  BatchState.Open,
  BatchState.Leased,
  BatchState.Committed,
  BatchState.AuditSeated,
  BatchState.AuditCommitted,
  BatchState.Revealed,
  BatchState.Verified,
]);

export function createKeeper(ctx: NodeContext): Keeper {
  const market = ctx.deployment.contracts.jobMarket;
  const engine = ctx.deployment.contracts.rewardEngine;
  const mp = ctx.deployment.parameters.market;
  const auditWindow = BigInt(mp.auditWindow ?? 0n);
  const revealWindow = BigInt(mp.revealWindow ?? 0n);
  const committeeWindow = BigInt(mp.committeeWindow ?? 0n);
  let seatWindows: bigint | undefined;
  // `${ref}:${attempt}` of a successor -> its `predAttempt`, learned from one probe: fixed for the attempt.
  const predAttempts = new Map<string, bigint>();
  const gcEveryMs = ctx.options.blobGcIntervalMinutes * 60_000;
  let nextGcAt = 0;
  const read = <T>(functionName: string, args: readonly unknown[]) =>
    ctx.client.readContract({
      address: market,
      abi: jobMarketAbi,
      functionName,
      args,
    } as never) as Promise<T>;
  const call = (functionName: string, ref: bigint, attempt: bigint, tag = "") =>
    sendTx(ctx, {
      to: market,
      abi: jobMarketAbi,
      functionName,
      args: [ref],
      intentId: `keeper:${functionName}:${ref}:${attempt}${tag}`,
      quiet: true,
    });

  /**
   * Whether `reopenStale(ref)` would succeed. The views decide most cases; the rest (predecessor
   * re-opened and revealed again) costs one simulated call per successor attempt, whose "not stale"
   * answer pins `predAttempt` for the later ticks.
   */
  async function isStale(entry: MarketJob, i: number, head: bigint, seen: Set<string>): Promise<boolean> {
    const b = entry.batches[i] as BatchView;
    const key = `${batchRef(entry.id, i)}:${b.attempt}`;
    seen.add(key);
    const verdict = staleSuccessor(entry, i, predAttempts.get(key));
    if (verdict !== "unknown") return verdict === "stale";
    try {
      await ctx.client.simulateContract({
        address: market,
        abi: jobMarketAbi,
        functionName: "reopenStale",
        args: [batchRef(entry.id, i)],
        account: ctx.address,
        blockNumber: head,
      } as never);
      return true;
    } catch (error) {
      const pred = entry.batches[i - Number(entry.job.chains)] as BatchView;
      if (decodeRevert(error, [jobMarketAbi])?.errorName === "NotStale") predAttempts.set(key, pred.attempt);
      return false;
    }
  }

  async function gcBlobs(view: MarketView) {
    if (gcEveryMs === 0 || Date.now() < nextGcAt) return;
    nextGcAt = Date.now() + gcEveryMs;
    try {
      await collectGarbage({
        blobs: ctx.blobs,
        store: ctx.store,
        jobs: view.jobs,
        isFinished: view.isFinished,
        graceMs: ctx.options.blobGcGraceMinutes * 60_000,
        logger: ctx.logger,
        metrics: ctx.metrics,
      });
    } catch (error) {
      ctx.logger.warn({ err: error }, "blob gc failed; trying again at the next interval");
    }
  }

  return {
    tick: async (view) => {
      const now = view.now;
      const seen = new Set<string>();
      for (const entry of view.jobs) {
        const { id, job, batches } = entry;
        const c = Number(job.chains);
        // A final job has nothing in flight and its open value went back when it closed: closing its
        // orphans would move nothing, and the scanner reads it for a few more blocks (a call another
        // keeper made first would be estimated again every tick).
        const final = (Number(job.status) & JobStatus.FINAL) !== 0;
        for (let i = 0; i < batches.length; i++) {
          if (ctx.shutdown.aborted) return;
          const b = batches[i];
          if (!b) continue;
          const ref = batchRef(id, i);
          // Before anything else: a successor of an Indeterminate batch can never be paid; closing it
          // (rather than letting its lease expire) frees its primary without a reputation cut.
          if (
            !final &&
            c > 0 &&
            i >= c &&
            batches[i - c]?.state === BatchState.Indeterminate &&
            ORPHANABLE.has(b.state)
          ) {
            await call("closeOrphan", ref, b.attempt);
            continue;
          }
          // Before expire/forfeit: a stale successor's primary is not at fault and is compensated.
          if (c > 0 && i >= c && (await isStale(entry, i, view.head, seen))) {
            await call("reopenStale", ref, b.attempt);
            continue;
          }
          switch (b.state) {
            case BatchState.Leased:
              if (now > b.deadline) await call("expire", ref, b.attempt);
              break;
            case BatchState.Committed: {
              const [ready, audited] = await read<[boolean, boolean, boolean, bigint]>("auditDraw", [ref]);
              if (ready && audited && (b.flags & BatchFlags.DRAWN) === 0n) await call("drawAudit", ref, b.attempt);
              else if (ready && !audited && now > b.deadline) await call("forfeit", ref, b.attempt);
              break;
            }
            case BatchState.AuditSeated: {
              seatWindows ??= await read<bigint>("AUDIT_SEAT_WINDOWS", []);
              const [, , seatStart] = await read<[string, bigint, bigint]>("getAudit", [ref]);
              if (now > seatStart + seatWindows * auditWindow + revealWindow) await call("forfeit", ref, b.attempt);
              break;
            }
            case BatchState.AuditCommitted:
            case BatchState.Revealed:
              if (now > b.deadline) await call("forfeit", ref, b.attempt, `:${b.state}`);
              break;
            case BatchState.Verified:
              if (c > 0 && i >= c && batches[i - c]?.state === BatchState.Accepted)
                await call("finalize", ref, b.attempt);
              break;
            case BatchState.Disputed: {
              const [round, members, start] = await read<[bigint, bigint, bigint]>("getDispute", [ref]);
              if (now >= start + 2n * committeeWindow || members > 0n) {
                await call(
                  "resolveDispute",
                  ref,
                  b.attempt,
                  `:${round}:${now >= start + 2n * committeeWindow ? "late" : now}`,
                );
              }
              break;
            }
          }
        }
      }
      for (const key of predAttempts.keys()) if (!seen.has(key)) predAttempts.delete(key);
      await gcBlobs(view);
      const [current, open] = await Promise.all([
        ctx.client.readContract({
          address: engine,
          abi: rewardEngineAbi,
          functionName: "currentEpoch",
        }) as Promise<bigint>,
        ctx.client.readContract({
          address: engine,
          abi: rewardEngineAbi,
          functionName: "openEpoch",
        }) as Promise<bigint>,
      ]);
      const turn = epochAdvanceDue({
        now,
        current,
        genesisTime: BigInt(ctx.deployment.genesisTime),
        epochLength: BigInt(ctx.deployment.epochLength),
        address: ctx.address,
      });
      if (current > open && turn) {
        await sendTx(ctx, {
          to: engine,
          abi: rewardEngineAbi,
          functionName: "advanceEpoch",
          args: [],
          intentId: `keeper:advanceEpoch:${current}`,
          quiet: true,
        });
      }
    },
  };
}
