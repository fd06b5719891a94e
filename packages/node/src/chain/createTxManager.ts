/**
 * One account's transaction sender with a crash-safe journal. Invariant: a logical transaction
 * (an intent id) is signed once per nonce and journaled, in one SQLite transaction, BEFORE any
 * broadcast; after that, the node only ever (re)broadcasts that raw transaction or a replacement
 * with the same nonce. Whatever the moment of a crash, a restarted node finds the row and follows
 * it to a receipt instead of signing anew, so it never sends a second logical transaction.
 *
 * The one exception is a nonce taken by some other transaction of the same key (another wallet):
 * then none of the intent's hashes can ever be mined, and it is re-signed with a fresh nonce.
 */
import type { Logger } from "pino";
import {
  type Abi,
  type Address,
  type Hex,
  keccak256,
  type LocalAccount,
  type PublicClient,
  type TransactionReceipt,
} from "viem";
import { BaseError, isRetryable } from "../errors.js";
import type { Intent } from "../store/createIntentsTable.js";
import type { Store } from "../store/openStore.js";
import { decodeRevert } from "./decodeRevert.js";
import { type RetryOptions, sleep, withRetry } from "./withRetry.js";

export type TxRequest = {
  to: Address;
  data?: Hex;
  value?: bigint;
  /** Gas limit; estimated when absent (an estimate that reverts fails the submit, nothing is sent). */
  gas?: bigint;
  maxFeePerGas?: bigint;
  maxPriorityFeePerGas?: bigint;
};

/** The request as signed: every field resolved. Stored in the journal to sign replacements. */
type ResolvedRequest = Required<Omit<TxRequest, "data">> & { data: Hex };

export type TxResult = { intentId: string; nonce: number; txHash: Hex; receipt: TransactionReceipt };

export type CreateTxManagerParameters = {
  store: Store;
  client: PublicClient;
  /** The hot node key; signs locally. */
  account: LocalAccount;
  /** ABIs to name custom errors in reverts. */
  abis?: readonly Abi[];
  /** Replace (same nonce, higher fees) a transaction not mined after this many blocks. Default 3. */
  replaceAfterBlocks?: number;
  /** Fee bump for a replacement, in percent; at least 10 (nodes refuse less). Default 15. */
  feeBumpPercent?: number;
  /** How often a pending transaction is checked (ms). Default 500. */
  pollIntervalMs?: number;
  retry?: Omit<RetryOptions, "signal">;
  logger?: Pick<Logger, "info" | "warn" | "error" | "debug">;
  /** The daemon's shutdown: pending waits reject with its reason, as after `close()`. */
  signal?: AbortSignal;
  /** Injected faults for crash tests: called synchronously at the named step. */
  faults?: { afterJournal?: (intent: Intent) => void; afterBroadcast?: (intent: Intent) => void };
};

export type TxManager = {
  account: Address;
  /**
   * Sends the transaction named `intentId` once, ever: a new id is signed, journaled, broadcast and
   * followed to its receipt; a known id is resumed (re-broadcast if not mined) or its result returned.
   * Rejects with a non-retryable `BaseError` (code `TX_REVERTED`) when the transaction reverted.
   */
  submit: (intentId: string, request: TxRequest) => Promise<TxResult>;
  /** Follows every open intent of this account (call once at start, after a crash). */
  resumeAll: () => Promise<PromiseSettledResult<TxResult>[]>;
  /**
   * Stops following: every pending submit, including lower nonces the manager re-follows on its own,
   * rejects with a `TX_MANAGER_CLOSED` error (or the shutdown signal's reason) and later submits
   * reject at once. Resolves when none is still running, so the store can be closed after it.
   * What was journaled stays journaled; a new manager resumes it.
   */
  close: () => Promise<void>;
};

const quiet = { info() {}, warn() {}, error() {}, debug() {} };
const benignBroadcastError =
  /already known|known transaction|nonce too low|replacement transaction underpriced|transaction already imported/i;

function larger(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
}

function parseRequest(json: string): ResolvedRequest {
  const r = JSON.parse(json) as Record<string, string>;
  return {
    to: r.to as Address,
    data: r.data as Hex,
    value: BigInt(r.value ?? "0"),
    gas: BigInt(r.gas ?? "0"),
    maxFeePerGas: BigInt(r.maxFeePerGas ?? "0"),
    maxPriorityFeePerGas: BigInt(r.maxPriorityFeePerGas ?? "0"),
  };
}

function storedError(intent: Intent): BaseError {
  const saved = intent.error ? (JSON.parse(intent.error) as { message?: string; code?: string; details?: object }) : {};
  return new BaseError(saved.message ?? `transaction ${intent.id} failed`, {
    code: saved.code ?? "TX_FAILED",
    details: { ...saved.details, intentId: intent.id },
    retryable: false,
  });
}

/**
 * @example
 * const tx = createTxManager({ store, client, account: nodeAccount, abis: [jobMarketAbi] });
 * await tx.resumeAll();
 * const { receipt } = await tx.submit(`commit:${jobId}:${batch}:${attempt}`, { to: market, data });
 */
export function createTxManager(parameters: CreateTxManagerParameters): TxManager {
  const { store, client, account, abis = [], faults = {} } = parameters;
  // Every wait and retry observes this, so a closed manager (or a stopped daemon) stops calling the RPC.
  const closer = new AbortController();
  const signal = parameters.signal ? AbortSignal.any([parameters.signal, closer.signal]) : closer.signal;
  const replaceAfterBlocks = BigInt(parameters.replaceAfterBlocks ?? 3);
  const feeBumpPercent = BigInt(Math.max(10, parameters.feeBumpPercent ?? 15));
  const pollIntervalMs = parameters.pollIntervalMs ?? 500;
  const logger = parameters.logger ?? quiet;
  const address = account.address;
  const retry = <T>(fn: () => Promise<T>) =>
    withRetry(fn, {
      ...parameters.retry,
      signal,
      onRetry: (error, attempt, delayMs) =>
        logger.warn({ err: error, attempt, delayMs, account: address }, "RPC call failed, retrying"),
    });

  let chainId: number | undefined;
  let nextNonce: number | undefined;
  const inFlight = new Map<string, Promise<TxResult>>();

  // Serialises nonce allocation, signing and journaling for this account.
  let lockTail: Promise<unknown> = Promise.resolve();
  function withLock<T>(fn: () => Promise<T>): Promise<T> {
    const run = lockTail.then(fn, fn);
    lockTail = run.catch(() => {});
    return run;
  }

  async function getChainId(): Promise<number> {
    chainId ??= await retry(() => client.getChainId());
    return chainId;
  }

  /** Next free nonce: the larger of the chain's pending count and the journal's highest live nonce + 1. */
  async function allocateNonce(): Promise<number> {
    if (nextNonce === undefined) {
      const pending = await retry(() => client.getTransactionCount({ address, blockTag: "pending" }));
      const journaled = store.intents.maxNonce(address, await getChainId());
      nextNonce = Math.max(pending, journaled === undefined ? 0 : journaled + 1);
    }
    return nextNonce;
  }

  async function resolveRequest(request: TxRequest): Promise<ResolvedRequest> {
    const data = request.data ?? "0x";
    const value = request.value ?? 0n;
    let gas = request.gas;
    if (gas === undefined) {
      try {
        const estimate = await retry(() => client.estimateGas({ account: address, to: request.to, data, value }));
        // Headroom: the estimate is for the head's state, and the block the tx lands in may cost more
        // (a reward epoch closing first makes a reveal settle it). Unused gas is not paid.
        gas = (estimate * 3n) / 2n + 50_000n;
      } catch (error) {
        // A retry cut short by close/shutdown is not a revert.
        if (isRetryable(error) || signal.aborted) throw error;
        throw revertError(error, { to: request.to }, "estimate");
      }
    }
    let { maxFeePerGas, maxPriorityFeePerGas } = request;
    if (maxFeePerGas === undefined || maxPriorityFeePerGas === undefined) {
      const fees = await retry(() => client.estimateFeesPerGas());
      maxFeePerGas ??= fees.maxFeePerGas;
      maxPriorityFeePerGas ??= fees.maxPriorityFeePerGas;
    }
    return { to: request.to, data, value, gas, maxFeePerGas, maxPriorityFeePerGas };
  }

  async function sign(request: ResolvedRequest, nonce: number): Promise<{ rawTx: Hex; txHash: Hex }> {
    const rawTx = await account.signTransaction({
      type: "eip1559",
      chainId: await getChainId(),
      nonce,
      ...request,
    });
    return { rawTx, txHash: keccak256(rawTx) };
  }

  function revertError(cause: unknown, details: Record<string, unknown>, stage: "estimate" | "receipt"): BaseError {
    const decoded = decodeRevert(cause, abis);
    const name = decoded ? decoded.errorName : "unknown reason";
    const message =
      stage === "estimate" ? `transaction would revert (${name}); nothing was sent` : `transaction reverted (${name})`;
    return new BaseError(message, {
      cause,
      retryable: false,
      code: "TX_REVERTED",
      details: { ...details, errorName: decoded?.errorName, errorArgs: decoded?.args },
    });
  }

  /** Broadcasts the intent's current raw tx; "already known" and "nonce too low" are left to the receipt check. */
  async function broadcast(intent: Intent): Promise<void> {
    try {
      await retry(() => client.sendRawTransaction({ serializedTransaction: intent.rawTx }));
    } catch (error) {
      // Stopped mid-retry: the node may have the tx already, so the intent stays open for a resume.
      if (signal.aborted) throw error;
      const text = `${error instanceof Error ? error.message : String(error)} ${(error as { details?: string }).details ?? ""}`;
      if (!benignBroadcastError.test(text)) {
        if (isRetryable(error)) throw error;
        if (intent.status !== "pending" || intent.txHashes.length > 1) {
          // An earlier version of this intent may still be mined: keep following it.
          logger.warn({ intentId: intent.id, err: error }, "re-broadcast refused; still waiting for a receipt");
          return;
        }
        // Refused for good (e.g. insufficient funds): the nonce was never used, so free it.
        const failure = new BaseError("the node refused the transaction: check the account balance and the request", {
          cause: error,
          code: "TX_REFUSED",
          details: { intentId: intent.id, nonce: intent.nonce },
        });
        store.transaction(() =>
          store.intents.update(intent.id, { status: "failed", error: toJson({ ...failure.toJSON() }) }),
        );
        nextNonce = undefined;
        throw failure;
      }
      logger.debug({ intentId: intent.id, err: error }, "broadcast answered as already known");
    }
    const head = await retry(() => client.getBlockNumber({ cacheTime: 0 }));
    store.transaction(() => store.intents.update(intent.id, { status: "sent", sentBlock: head }));
    faults.afterBroadcast?.(intent);
  }

  async function findReceipt(intent: Intent): Promise<TransactionReceipt | undefined> {
    for (const hash of [...intent.txHashes].reverse()) {
      try {
        return await retry(() => client.getTransactionReceipt({ hash }));
      } catch (error) {
        if ((error as Error).name !== "TransactionReceiptNotFoundError") throw error;
      }
    }
    return undefined;
  }

  async function settle(intent: Intent, receipt: TransactionReceipt): Promise<TxResult> {
    if (receipt.status === "success") {
      store.transaction(() =>
        store.intents.update(intent.id, {
          status: "mined",
          txHash: receipt.transactionHash,
          minedBlock: receipt.blockNumber,
        }),
      );
      logger.info({ intentId: intent.id, txHash: receipt.transactionHash, block: receipt.blockNumber }, "tx mined");
      return { intentId: intent.id, nonce: intent.nonce, txHash: receipt.transactionHash, receipt };
    }
    // Replay the call on the parent block's state to learn the custom error the receipt does not carry.
    let cause: unknown = new Error("reverted");
    const request = parseRequest(intent.request);
    try {
      await client.call({
        account: address,
        to: request.to,
        data: request.data,
        value: request.value,
        gas: request.gas,
        blockNumber: receipt.blockNumber - 1n,
      });
    } catch (error) {
      cause = error;
    }
    const failure = revertError(cause, { intentId: intent.id, txHash: receipt.transactionHash }, "receipt");
    store.transaction(() =>
      store.intents.update(intent.id, {
        status: "failed",
        txHash: receipt.transactionHash,
        minedBlock: receipt.blockNumber,
        error: toJson(failure.toJSON()),
      }),
    );
    logger.warn({ intentId: intent.id, errorName: failure.details.errorName }, "tx reverted");
    throw failure;
  }

  /** Same nonce, fees raised by at least `feeBumpPercent` (or to the current estimate if higher). */
  async function replace(intent: Intent): Promise<Intent> {
    const old = parseRequest(intent.request);
    const fees = await retry(() => client.estimateFeesPerGas());
    const bump = (x: bigint) => (x * (100n + feeBumpPercent) + 99n) / 100n;
    const maxPriorityFeePerGas = larger(bump(old.maxPriorityFeePerGas), fees.maxPriorityFeePerGas);
    let maxFeePerGas = larger(bump(old.maxFeePerGas), fees.maxFeePerGas);
    if (maxFeePerGas < maxPriorityFeePerGas) maxFeePerGas = maxPriorityFeePerGas;
    const request = { ...old, maxFeePerGas, maxPriorityFeePerGas };
    const signed = await sign(request, intent.nonce);
    const head = await retry(() => client.getBlockNumber({ cacheTime: 0 }));
    store.transaction(() =>
      store.intents.update(intent.id, {
        request: toJson(request),
        rawTx: signed.rawTx,
        txHash: signed.txHash,
        txHashes: [...intent.txHashes, signed.txHash],
        sentBlock: head,
      }),
    );
    logger.warn(
      { intentId: intent.id, nonce: intent.nonce, txHash: signed.txHash, maxFeePerGas },
      "tx not mined in time, replaced with higher fees",
    );
    const updated = store.intents.get(intent.id) as Intent;
    await broadcast(updated);
    return updated;
  }

  /** The nonce went to a transaction that is none of ours: sign the same request with a fresh nonce. */
  async function resign(intent: Intent): Promise<Intent> {
    return withLock(async () => {
      nextNonce = undefined;
      const nonce = await allocateNonce();
      const signed = await sign(parseRequest(intent.request), nonce);
      store.transaction(() =>
        store.intents.update(intent.id, {
          status: "pending",
          nonce,
          rawTx: signed.rawTx,
          txHash: signed.txHash,
          txHashes: [...intent.txHashes, signed.txHash],
        }),
      );
      nextNonce = nonce + 1;
      logger.warn({ intentId: intent.id, nonce }, "nonce was used by another transaction; re-signed");
      const updated = store.intents.get(intent.id) as Intent;
      await broadcast(updated);
      return updated;
    });
  }

  /** Follows an intent to a receipt, re-broadcasting once if asked (a resumed intent may be lost). */
  async function follow(start: Intent, rebroadcast: boolean): Promise<TxResult> {
    let intent = start;
    let needBroadcast = rebroadcast || intent.status === "pending";
    for (;;) {
      if (signal.aborted) throw signal.reason;
      try {
        if (intent.status === "failed") throw storedError(intent);
        const receipt = await findReceipt(intent);
        if (receipt) return await settle(intent, receipt);
        if (intent.status === "mined") {
          // Its block was reorged away: the signed tx is still valid unless its nonce got used.
          logger.warn({ intentId: intent.id, txHash: intent.txHash }, "mined tx lost its receipt (reorg?); re-sending");
          store.transaction(() => store.intents.update(intent.id, { status: "sent", minedBlock: undefined }));
          intent = store.intents.get(intent.id) as Intent;
          needBroadcast = true;
        }
        const confirmed = await retry(() => client.getTransactionCount({ address, blockTag: "latest" }));
        if (confirmed > intent.nonce) {
          // The nonce is used. Ask once more for our receipts, since ours may have just been mined.
          const late = await findReceipt(intent);
          if (late) return await settle(intent, late);
          intent = await resign(intent);
          needBroadcast = false;
          continue;
        }
        if (needBroadcast) {
          await broadcast(intent);
          needBroadcast = false;
          intent = store.intents.get(intent.id) as Intent;
        } else {
          const head = await retry(() => client.getBlockNumber({ cacheTime: 0 }));
          if (intent.sentBlock !== undefined && head - intent.sentBlock >= replaceAfterBlocks) {
            // A lower nonce of ours that the chain lost (a reorg dropped it) blocks this one: send
            // that one again instead of bidding up a transaction that cannot be mined yet.
            if (confirmed < intent.nonce && refillBelow(intent.nonce, confirmed) > 0) {
              store.transaction(() => store.intents.update(intent.id, { sentBlock: head }));
              intent = store.intents.get(intent.id) as Intent;
            } else {
              intent = await withLock(() => replace(store.intents.get(intent.id) as Intent));
            }
          }
        }
      } catch (error) {
        if (!isRetryable(error)) throw error;
        logger.warn({ err: error, intentId: intent.id }, "following tx failed, retrying");
      }
      await sleep(pollIntervalMs, signal);
    }
  }

  /** Follows again every journaled intent with a nonce in [from, below) that nobody follows now. */
  function refillBelow(below: number, from: number): number {
    let refilled = 0;
    for (const lower of store.intents.listNonces(address, chainId as number, from, below)) {
      if (inFlight.has(lower.id)) continue;
      refilled++;
      logger.warn({ intentId: lower.id, nonce: lower.nonce }, "a lower nonce is missing on chain; following it again");
      // Nobody awaits this one; `inFlight` holds it so that `close()` waits for it to stop.
      submit(lower.id, parseRequest(lower.request)).catch((error) => {
        if (!signal.aborted) logger.warn({ err: error, intentId: lower.id }, "re-followed transaction failed");
      });
    }
    return refilled;
  }

  async function submitNew(intentId: string, request: TxRequest): Promise<TxResult> {
    const created = await withLock(async () => {
      const existing = store.intents.get(intentId);
      if (existing) return { intent: existing, fresh: false };
      const resolved = await resolveRequest(request);
      const nonce = await allocateNonce();
      const signed = await sign(resolved, nonce);
      const intent: Intent = {
        id: intentId,
        account: address,
        chainId: await getChainId(),
        status: "pending",
        nonce,
        request: toJson(resolved),
        rawTx: signed.rawTx,
        txHash: signed.txHash,
        txHashes: [signed.txHash],
        sentBlock: undefined,
        minedBlock: undefined,
        error: undefined,
        createdAt: Date.now(),
        updatedAt: Date.now(),
      };
      store.transaction(() => store.intents.insert(intent));
      nextNonce = nonce + 1;
      logger.info({ intentId, nonce, txHash: signed.txHash }, "tx signed and journaled");
      faults.afterJournal?.(intent);
      await broadcast(intent);
      return { intent: store.intents.get(intentId) as Intent, fresh: true };
    });
    return follow(created.intent, !created.fresh);
  }

  function submit(intentId: string, request: TxRequest): Promise<TxResult> {
    if (signal.aborted) return Promise.reject(signal.reason);
    const running = inFlight.get(intentId);
    if (running) return running;
    const existing = store.intents.get(intentId);
    if (existing && existing.account !== address) {
      return Promise.reject(
        new BaseError(`intent ${intentId} belongs to another account (${existing.account})`, {
          code: "TX_WRONG_ACCOUNT",
          details: { intentId, account: address },
        }),
      );
    }
    if (existing) {
      const stored = parseRequest(existing.request);
      if (stored.to.toLowerCase() !== request.to.toLowerCase() || (request.data ?? "0x") !== stored.data) {
        // The id decides: what was journaled is what gets sent. A caller that changed its mind needs a new id.
        logger.warn({ intentId }, "intent id reused with a different request; following the journaled one");
      }
    }
    const promise = (existing ? follow(existing, true) : submitNew(intentId, request)).finally(() =>
      inFlight.delete(intentId),
    );
    inFlight.set(intentId, promise);
    return promise;
  }

  return {
    account: address,
    submit,
    resumeAll: async () => {
      const open = store.intents.listOpen(address, await getChainId());
      return Promise.allSettled(open.map((intent) => submit(intent.id, parseRequest(intent.request))));
    },
    close: async () => {
      closer.abort(new BaseError("the transaction manager was closed", { code: "TX_MANAGER_CLOSED" }));
      while (inFlight.size > 0) await Promise.allSettled([...inFlight.values()]);
    },
  };
}
