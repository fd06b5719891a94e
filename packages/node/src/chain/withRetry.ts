import { BaseError, isRetryable } from "../errors.js";

export type RetryOptions = {
  /** First delay (ms); doubles each attempt up to `maxDelayMs`. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Give up after this many attempts (default: never, until `signal` aborts). */
  maxAttempts?: number;
  /** Stops waiting and rejects with the abort reason (the daemon's shutdown). */
  signal?: AbortSignal;
  /** Called before each wait, for logs and status (`attempt` counts from 1). */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
};

/** Resolves after `ms`, or rejects early when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Runs `fn` until it succeeds, waiting with capped exponential backoff and full jitter between
 * attempts, but only while the error is retryable (`isRetryable`): anything else is thrown at once.
 * Jitter keeps many nodes that lost the same RPC from hammering it in step when it comes back.
 * @example const block = await withRetry(() => client.getBlockNumber(), { signal });
 */
export async function withRetry<T>(fn: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const { baseDelayMs = 200, maxDelayMs = 10_000, maxAttempts = Number.POSITIVE_INFINITY, signal, onRetry } = options;
  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) throw signal.reason;
    try {
      return await fn();
    } catch (error) {
      if (!isRetryable(error)) throw error;
      if (attempt >= maxAttempts) {
        throw new BaseError(`gave up after ${attempt} attempts`, {
          cause: error,
          retryable: true,
          details: { attempts: attempt },
          code: "RETRY_EXHAUSTED",
        });
      }
      const cap = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.min(attempt - 1, 30));
      const delay = Math.round(cap / 2 + Math.random() * (cap / 2));
      onRetry?.(error, attempt, delay);
      await sleep(delay, signal);
    }
  }
}
