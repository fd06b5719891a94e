/**
 * Waits until the chain's head moves past `head` or `maxMs` have passed, whichever comes first,
 * checking the block number every `maxMs / 5` (at least 50 ms). A node steps its roles once per block
 * this way, right after the block (a fixed poll delays each step of a batch's commit, reveal and
 * audit by half a poll on average), yet still steps every `maxMs` on a chain that mines only on
 * demand. RPC errors end the wait early: the caller's next read reports and retries them.
 */
import type { PublicClient } from "viem";
import { sleep } from "../chain/withRetry.js";

export async function waitForNextBlock(
  client: Pick<PublicClient, "getBlockNumber">,
  head: bigint,
  maxMs: number,
  signal: AbortSignal,
): Promise<void> {
  const started = Date.now();
  const step = Math.max(50, Math.floor(maxMs / 5));
  while (!signal.aborted && Date.now() - started < maxMs) {
    await sleep(Math.min(step, maxMs - (Date.now() - started)), signal).catch(() => {});
    if (signal.aborted) return;
    try {
      if ((await client.getBlockNumber({ cacheTime: 0 })) > head) return;
    } catch {
      return;
    }
  }
}
