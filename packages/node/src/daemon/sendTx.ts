/**
 * Encodes a market/registry/engine call and submits it under an intent id through the tx manager.
 * Reverts at estimation (nothing is sent) and reverted receipts come back as `undefined` with a log
 * line, because a role treats "the chain said no" as a fact to re-read on the next tick, not a crash.
 */
import { type Abi, type Address, encodeFunctionData } from "viem";
import type { TxManager, TxResult } from "../chain/createTxManager.js";
import type { NodeContext } from "./NodeContext.js";

export type SendTxParameters = {
  tx?: TxManager;
  to: Address;
  abi: Abi;
  functionName: string;
  args: readonly unknown[];
  intentId: string;
  /** Expected refusals (a keeper probing a deadline): log at debug level only. */
  quiet?: boolean;
};

export async function sendTx(ctx: NodeContext, p: SendTxParameters): Promise<TxResult | undefined> {
  const data = encodeFunctionData({
    abi: p.abi,
    functionName: p.functionName,
    args: p.args,
  } as never);
  // A journaled intent that reverted on chain stays failed forever; the role has re-read the chain
  // before calling again, so the next try is a new logical transaction: `<id>#<n>`. Pending, sent
  // and mined intents keep their id and are resumed, never re-signed.
  let intentId = p.intentId;
  for (let n = 1; ctx.store.intents.get(intentId)?.status === "failed"; n++) intentId = `${p.intentId}#${n}`;
  try {
    const result = await (p.tx ?? ctx.tx).submit(intentId, {
      to: p.to,
      data,
    });
    ctx.metrics.txSent.inc({ method: p.functionName });
    return result;
  } catch (error) {
    // A node shutting down abandons its waits; the journal resumes them on the next start.
    if (ctx.shutdown.aborted) return undefined;
    ctx.metrics.txFailed.inc({
      method: p.functionName,
      reason: (error as { code?: string }).code ?? "error",
    });
    ctx.logger[p.quiet ? "debug" : "warn"]({ err: error, intentId, fn: p.functionName }, "transaction not executed");
    return undefined;
  }
}
