/**
 * Follows the logs of a set of contracts into SQLite. Invariant: the cursor (last processed block
 * number + hash) moves in the same SQLite transaction as the handler's effects, so after any crash
 * every log is applied exactly once. Logs are delivered in chain order, in bounded ranges, only
 * once `confirmations` blocks sit on top of them.
 *
 * A reorg deeper than `confirmations` is noticed when the cursor's block hash is no longer the
 * canonical one: the sync walks its stored hashes back to the newest block still canonical (the
 * fork point), hands the handler the logs it delivered above it (`onRemoved`), and delivers again
 * from there. RPC failures never escape the loop: it backs off (capped, jittered) and carries on.
 */
import type { Logger } from "pino";
import { type Abi, type Address, decodeEventLog, type Hex, type PublicClient } from "viem";
import { BaseError } from "../errors.js";
import type { StoredLog, SyncCursor } from "../store/createSyncTable.js";
import type { Store } from "../store/openStore.js";
import { sleep } from "./withRetry.js";

/** A delivered log; `eventName` / `args` are filled when one of the given ABIs decodes it. */
export type SyncLog = StoredLog & { eventName?: string; args?: unknown };

export type ChainSyncHandler = {
  /**
   * New confirmed logs, in chain order. Runs INSIDE the SQLite transaction that advances the
   * cursor, so it must be synchronous and write its effects through the same store; throwing rolls
   * the whole range back and it is delivered again later.
   */
  onLogs?: (logs: readonly SyncLog[], range: { fromBlock: bigint; toBlock: bigint }) => void;
  /**
   * Logs already delivered whose blocks a reorg removed (chain order), before the new branch is
   * delivered; same transaction rules as `onLogs`. E.g. a miner marks a dropped commit for re-send.
   */
  onRemoved?: (logs: readonly SyncLog[], forkPoint: bigint) => void;
};

export type ChainSyncState = "starting" | "syncing" | "idle" | "stale" | "retrying" | "stopped";

export type ChainSyncStatus = {
  state: ChainSyncState;
  /** Last processed block, if any. */
  cursor: SyncCursor | undefined;
  head: bigint | undefined;
  headAgeSeconds: number | undefined;
  consecutiveFailures: number;
  lastError: string | undefined;
  reorgs: number;
  logsDelivered: number;
};

export type CreateChainSyncParameters = {
  store: Store;
  client: PublicClient;
  /** Names this sync's cursor; two syncs on one store need two names. */
  stream: string;
  contracts: readonly Address[];
  /** Usually the deployment block. */
  fromBlock: bigint;
  /** Blocks that must sit on top of a log before it is delivered. Default 2. */
  confirmations?: number;
  /** Largest `eth_getLogs` range. Default 2,000 (what most public RPCs accept). */
  maxRange?: number;
  pollIntervalMs?: number;
  /** Pause (state `stale`) while the head block is older than this. Default: never. */
  maxHeadAgeSeconds?: number;
  /** Backoff after failures: first delay and cap (ms). */
  retryBaseDelayMs?: number;
  retryMaxDelayMs?: number;
  /** Block hashes and logs kept this far below the cursor, for walking back a reorg. Default 5,000. */
  keepBlocks?: number;
  abis?: readonly Abi[];
  handler: ChainSyncHandler;
  /** Injected faults for tests: called before each `eth_getLogs`; may throw like an RPC would. */
  faults?: { beforeGetLogs?: (fromBlock: bigint, toBlock: bigint) => void };
  logger?: Pick<Logger, "info" | "warn" | "error" | "debug">;
};

export type SyncOnceReturnType =
  | { kind: "delivered"; fromBlock: bigint; toBlock: bigint; logs: number; caughtUp: boolean }
  | { kind: "idle" }
  | { kind: "stale"; headAgeSeconds: number }
  | { kind: "reorg"; forkPoint: bigint; removed: number };

export type ChainSync = {
  /** Starts the polling loop (idempotent). */
  start: () => void;
  /** Stops the loop and waits for the current step to finish. */
  stop: () => Promise<void>;
  /** One step: a reorg check and at most one range. The loop calls this; tests may too. */
  syncOnce: () => Promise<SyncOnceReturnType>;
  status: () => ChainSyncStatus;
};

const quiet = { info() {}, warn() {}, error() {}, debug() {} };
// How public RPCs word "this eth_getLogs asks for too much" (block range or result count).
const tooLarge = /range|too many|too large|exceed|limit|more than \d+ results|response size/i;

/**
 * @example
 * const sync = createChainSync({ store, client, stream: "market", contracts: [market], fromBlock,
 *   abis: [jobMarketAbi], handler: { onLogs: (logs) => applyToWork(store, logs) } });
 * sync.start(); ... await sync.stop();
 */
export function createChainSync(parameters: CreateChainSyncParameters): ChainSync {
  const { store, client, stream, contracts, fromBlock, handler, abis = [] } = parameters;
  const confirmations = BigInt(parameters.confirmations ?? 2);
  const maxRange = BigInt(parameters.maxRange ?? 2_000);
  // Halves when the RPC refuses a range as too large, and stays there: an RPC's limit does not move.
  let range = maxRange;
  const pollIntervalMs = parameters.pollIntervalMs ?? 1_000;
  const keepBlocks = BigInt(parameters.keepBlocks ?? 5_000);
  const baseDelay = parameters.retryBaseDelayMs ?? 250;
  const maxDelay = parameters.retryMaxDelayMs ?? 30_000;
  const logger = parameters.logger ?? quiet;

  const status: ChainSyncStatus = {
    state: "starting",
    cursor: store.sync.getCursor(stream),
    head: undefined,
    headAgeSeconds: undefined,
    consecutiveFailures: 0,
    lastError: undefined,
    reorgs: 0,
    logsDelivered: 0,
  };
  let loop: Promise<void> | undefined;
  let controller: AbortController | undefined;

  function decode(log: StoredLog): SyncLog {
    for (const abi of abis) {
      try {
        const decoded = decodeEventLog({ abi, data: log.data, topics: log.topics as [Hex, ...Hex[]] });
        return { ...log, eventName: decoded.eventName, args: decoded.args };
      } catch {}
    }
    return log;
  }

  async function blockHash(blockNumber: bigint): Promise<Hex> {
    const block = await client.getBlock({ blockNumber });
    if (block.hash === null) throw new BaseError("RPC returned a block without hash", { retryable: true });
    return block.hash;
  }

  async function rewind(cursor: SyncCursor, head: bigint): Promise<SyncOnceReturnType> {
    let forkPoint = fromBlock - 1n;
    let below = cursor.blockNumber < head ? cursor.blockNumber : head;
    search: for (;;) {
      const stored = store.sync.blockHashesAtOrBelow(stream, below, 64);
      if (stored.length === 0) break;
      for (const candidate of stored) {
        if ((await blockHash(candidate.blockNumber)) === candidate.blockHash) {
          forkPoint = candidate.blockNumber;
          break search;
        }
      }
      below = (stored.at(-1) as SyncCursor).blockNumber - 1n;
    }
    const forkHash = forkPoint >= fromBlock ? await blockHash(forkPoint) : undefined;
    let removed = 0;
    store.transaction(() => {
      const logs = store.sync.logsAbove(stream, forkPoint).map(decode);
      removed = logs.length;
      if (logs.length > 0) handler.onRemoved?.(logs, forkPoint);
      store.sync.deleteAbove(stream, forkPoint);
      if (forkHash === undefined) store.kv.delete(`sync:${stream}:cursor`);
      else store.sync.setCursor(stream, { blockNumber: forkPoint, blockHash: forkHash });
    });
    status.cursor = store.sync.getCursor(stream);
    status.reorgs++;
    logger.warn({ stream, from: cursor.blockNumber, forkPoint, removed }, "reorg: rewound to the fork point");
    return { kind: "reorg", forkPoint, removed };
  }

  async function syncOnce(): Promise<SyncOnceReturnType> {
    const head = await client.getBlock({ blockTag: "latest" });
    const headAgeSeconds = Math.max(0, Date.now() / 1000 - Number(head.timestamp));
    status.head = head.number;
    status.headAgeSeconds = headAgeSeconds;
    if (parameters.maxHeadAgeSeconds !== undefined && headAgeSeconds > parameters.maxHeadAgeSeconds) {
      if (status.state !== "stale") {
        logger.warn(
          { stream, head: head.number, headAgeSeconds: Math.round(headAgeSeconds) },
          "chain head is stale; sync paused until new blocks arrive",
        );
      }
      status.state = "stale";
      return { kind: "stale", headAgeSeconds };
    }

    const cursor = store.sync.getCursor(stream);
    if (cursor && cursor.blockNumber <= head.number && (await blockHash(cursor.blockNumber)) !== cursor.blockHash) {
      return rewind(cursor, head.number);
    }
    if (cursor && cursor.blockNumber > head.number) {
      // The chain got shorter than our cursor: the cursor's block is gone.
      return rewind(cursor, head.number);
    }

    const last = cursor ? cursor.blockNumber : fromBlock - 1n;
    const safe = head.number - confirmations;
    if (safe <= last) {
      status.state = "idle";
      return { kind: "idle" };
    }
    const from = last + 1n;
    const to = safe < last + range ? safe : last + range;
    const toHash = await blockHash(to);
    let raw: Awaited<ReturnType<typeof client.getLogs>>;
    try {
      parameters.faults?.beforeGetLogs?.(from, to);
      raw = await client.getLogs({ address: [...contracts], fromBlock: from, toBlock: to });
    } catch (error) {
      const text = error instanceof Error ? `${error.message} ${String((error as { details?: unknown }).details)}` : "";
      if (range > 1n && tooLarge.test(text)) {
        range = range / 2n;
        logger.warn({ stream, from, to, range }, "RPC refused the log range; halving it");
        throw new BaseError("log range too large for this RPC; retrying with half", { cause: error, retryable: true });
      }
      throw error;
    }
    // A reorg between the two calls would mix branches: check the range end did not move.
    if ((await blockHash(to)) !== toHash || raw.some((l) => l.blockNumber === to && l.blockHash !== toHash)) {
      throw new BaseError("chain changed while reading a range; reading again", { retryable: true });
    }
    const logs: SyncLog[] = raw
      .map((l) => ({
        blockNumber: l.blockNumber as bigint,
        blockHash: l.blockHash as Hex,
        logIndex: l.logIndex as number,
        transactionHash: l.transactionHash as Hex,
        address: l.address,
        topics: l.topics as Hex[],
        data: l.data,
      }))
      .sort((a, b) =>
        a.blockNumber === b.blockNumber ? a.logIndex - b.logIndex : a.blockNumber < b.blockNumber ? -1 : 1,
      )
      .map(decode);

    store.transaction(() => {
      if (logs.length > 0) handler.onLogs?.(logs, { fromBlock: from, toBlock: to });
      store.sync.putLogs(stream, logs);
      for (const l of logs) store.sync.putBlockHash(stream, l.blockNumber, l.blockHash);
      store.sync.putBlockHash(stream, to, toHash);
      store.sync.setCursor(stream, { blockNumber: to, blockHash: toHash });
      if (to > keepBlocks) store.sync.pruneBelow(stream, to - keepBlocks);
    });
    status.cursor = { blockNumber: to, blockHash: toHash };
    status.logsDelivered += logs.length;
    const caughtUp = to === safe;
    status.state = caughtUp ? "idle" : "syncing";
    logger.debug({ stream, from, to, logs: logs.length }, "range delivered");
    return { kind: "delivered", fromBlock: from, toBlock: to, logs: logs.length, caughtUp };
  }

  async function run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      let delay = pollIntervalMs;
      try {
        const result = await syncOnce();
        if (status.consecutiveFailures > 0) logger.info({ stream }, "chain sync recovered");
        status.consecutiveFailures = 0;
        status.lastError = undefined;
        // Catching up or after a rewind: go on at once.
        if ((result.kind === "delivered" && !result.caughtUp) || result.kind === "reorg") delay = 0;
      } catch (error) {
        status.consecutiveFailures++;
        status.lastError = error instanceof Error ? error.message.split("\n")[0] : String(error);
        status.state = "retrying";
        const cap = Math.min(maxDelay, baseDelay * 2 ** Math.min(status.consecutiveFailures - 1, 20));
        delay = Math.round(cap / 2 + (Math.random() * cap) / 2);
        logger.warn(
          { stream, err: error, failures: status.consecutiveFailures, delayMs: delay },
          "chain sync step failed; retrying",
        );
      }
      try {
        await sleep(delay, signal);
      } catch {
        break;
      }
    }
    status.state = "stopped";
  }

  return {
    start: () => {
      if (loop) return;
      controller = new AbortController();
      loop = run(controller.signal);
    },
    stop: async () => {
      controller?.abort(new BaseError("chain sync stopped"));
      await loop;
      loop = undefined;
      status.state = "stopped";
    },
    syncOnce,
    status: () => ({ ...status }),
  };
}
