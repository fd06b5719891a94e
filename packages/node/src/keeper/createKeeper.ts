/**
 * The keeper role: triggers every transition the contracts leave to "anyone" once its deadline has
 * passed: expired leases, missed reveals (forfeit), stored audit draws, chained finalization,
 * dispute resolution and epoch settlement. Each call is keyed by batch attempt, so the journal
 * never sends the same transition twice, and a call another keeper beat us to fails at estimation
 * (nothing sent).
 */
import { jobMarketAbi, rewardEngineAbi } from "@maitoken/protocol";
import { batchRef } from "../daemon/batchRef.js";
import { BatchState } from "../daemon/BatchState.js";
import type { NodeContext } from "../daemon/NodeContext.js";
import type { MarketView } from "../daemon/scanMarket.js";
import { sendTx } from "../daemon/sendTx.js";

export type Keeper = { tick: (view: MarketView) => Promise<void> };

const DRAWN = 2n;

export function createKeeper(ctx: NodeContext): Keeper {
  const market = ctx.deployment.contracts.jobMarket;
  const engine = ctx.deployment.contracts.rewardEngine;
  const mp = ctx.deployment.parameters.market;
  const auditWindow = BigInt(mp.auditWindow ?? 0n);
  const revealWindow = BigInt(mp.revealWindow ?? 0n);
  const committeeWindow = BigInt(mp.committeeWindow ?? 0n);
  let seatWindows: bigint | undefined;
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

  return {
    tick: async (view) => {
      const now = view.now;
      for (const { id, job, batches } of view.jobs) {
        const c = Number(job.chains);
        for (let i = 0; i < batches.length; i++) {
          if (ctx.shutdown.aborted) return;
          const b = batches[i];
          if (!b) continue;
          const ref = batchRef(id, i);
          switch (b.state) {
            case BatchState.Leased:
              if (now > b.deadline) await call("expire", ref, b.attempt);
              break;
            case BatchState.Committed: {
              const [ready, audited] = await read<[boolean, boolean, boolean, bigint]>("auditDraw", [ref]);
              if (ready && audited && (b.flags & DRAWN) === 0n) await call("drawAudit", ref, b.attempt);
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
      if (current > open) {
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
