/**
 * The node's single error type. Every error the node raises on purpose is a `BaseError`; the retry
 * policy (chain sync, tx manager, blob fetches) reads `retryable` and nothing else, so whoever throws
 * decides once whether trying again can help. Messages are short and say what to do; the details
 * (values, ids, URLs) go in `details`, the original error in `cause`.
 */

export type BaseErrorParameters = {
  /** Extra facts for logs and for the operator (values, ids, addresses). Serialisable. */
  details?: Record<string, unknown>;
  /** The error that caused this one, kept for logs. */
  cause?: unknown;
  /** True when the same action may succeed later (RPC down, timeout, lock busy). Default false. */
  retryable?: boolean;
  /** A stable machine-readable code, e.g. `TX_REVERTED`, `KEYSTORE_BAD_PASSWORD`. */
  code?: string;
};

export class BaseError extends Error {
  override name = "BaseError";
  readonly details: Record<string, unknown>;
  readonly retryable: boolean;
  readonly code: string | undefined;

  constructor(shortMessage: string, parameters: BaseErrorParameters = {}) {
    super(shortMessage, parameters.cause === undefined ? undefined : { cause: parameters.cause });
    this.details = parameters.details ?? {};
    this.retryable = parameters.retryable ?? false;
    this.code = parameters.code;
  }

  /** A plain object for structured logs (pino) and the JSON API. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      details: this.details,
      cause: this.cause instanceof Error ? this.cause.message : this.cause,
    };
  }
}

/**
 * Whether an error is worth retrying. A `BaseError` answers for itself; anything else is judged by
 * shape: network failures (fetch/socket errors, timeouts, HTTP 429/5xx from viem) are retryable,
 * everything else (bugs, reverts, bad input) is not, so an unknown error stops the loop loudly.
 */
export function isRetryable(error: unknown): boolean {
  if (error instanceof BaseError) return error.retryable;
  if (!(error instanceof Error)) return false;
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current instanceof Error && !seen.has(current)) {
    seen.add(current);
    if (current instanceof BaseError) return current.retryable;
    const name = current.name;
    if (
      name === "HttpRequestError" ||
      name === "TimeoutError" ||
      name === "WebSocketRequestError" ||
      name === "SocketClosedError" ||
      name === "LimitExceededRpcError" ||
      name === "ResourceUnavailableRpcError" ||
      name === "InternalRpcError"
    ) {
      const status = (current as { status?: number }).status;
      // A 4xx other than 408/429 is a request we got wrong; sending it again will not help.
      if (typeof status === "number" && status >= 400 && status < 500 && status !== 408 && status !== 429) {
        return false;
      }
      return true;
    }
    const code = (current as { code?: unknown }).code;
    if (
      typeof code === "string" &&
      ["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EAI_AGAIN", "UND_ERR_SOCKET", "SQLITE_BUSY"].includes(code)
    ) {
      return true;
    }
    if (name === "TypeError" && /fetch failed/i.test(current.message)) return true;
    current = current.cause;
  }
  return false;
}
