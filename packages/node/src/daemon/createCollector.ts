/**
 * Earnings of any role: withdraws the owner's market credit (payments, audit fees, compensation) with
 * the owner key when the daemon has one, and claims the node's rewards for settled epochs where it
 * accrued work. Runs at most every 5 s; the scan position is kept in the kv table.
 */
import { jobMarketAbi, rewardEngineAbi } from "@maitoken/protocol";
import type { NodeContext } from "./NodeContext.js";
import type { MarketView } from "./scanMarket.js";
import { sendTx } from "./sendTx.js";

export function createCollector(ctx: NodeContext): (view: MarketView) => Promise<void> {
  const log = ctx.logger.child({ role: "earnings" });
  const market = ctx.deployment.contracts.jobMarket;
  const me = ctx.address;
  let lastRewardCheck = 0;
  const read = <T>(functionName: string, args: readonly unknown[]) =>
    ctx.client.readContract({ address: market, abi: jobMarketAbi, functionName, args } as never) as Promise<T>;
  return async function collect(view: MarketView) {
    if (Date.now() - lastRewardCheck < 5_000) return;
    lastRewardCheck = Date.now();
    if (ctx.ownerTx && ctx.owner) {
      const credit = await read<bigint>("creditOf", [ctx.owner]);
      if (credit > 0n) {
        await sendTx(ctx, {
          tx: ctx.ownerTx,
          to: market,
          abi: jobMarketAbi,
          functionName: "withdraw",
          args: [],
          intentId: `withdraw:${ctx.owner}:${view.head}`,
        });
      }
    }
    const engine = ctx.deployment.contracts.rewardEngine;
    const current = (await ctx.client.readContract({
      address: engine,
      abi: rewardEngineAbi,
      functionName: "currentEpoch",
    })) as bigint;
    const from = BigInt(ctx.store.kv.get<string>("rewards.fromEpoch") ?? "0");
    const due: bigint[] = [];
    let scanned = from;
    for (let e = from; e < current && due.length < 16; e++) {
      const [weight, claimed] = (await ctx.client.readContract({
        address: engine,
        abi: rewardEngineAbi,
        functionName: "nodeEpochWeight",
        args: [e, me],
      })) as [bigint, boolean];
      if (weight > 0n && !claimed) due.push(e);
      scanned = e + 1n;
    }
    if (due.length > 0) {
      const r = await sendTx(ctx, {
        to: engine,
        abi: rewardEngineAbi,
        functionName: "claimRewards",
        args: [me, due],
        intentId: `claim:${due.join(",")}`,
      });
      if (r?.receipt.status === "success") log.info({ epochs: due.map(String) }, "rewards claimed");
      else return;
    }
    ctx.store.kv.set("rewards.fromEpoch", scanned.toString());
  };
}
