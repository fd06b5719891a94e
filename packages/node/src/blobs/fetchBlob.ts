import { createHash } from "node:crypto";
import { BlobError } from "./BlobError.js";
import { type BlobHash, toBlobHash } from "./toBlobHash.js";

export type FetchBlobOptions = {
  /** Refuse blobs larger than this (checked on the announced length and again while reading). */
  maxBytes: number;
  /** Whole transfer, headers and body. Default 30 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
};

/**
 * Downloads a blob from another node's `GET /blobs/<hash>` and returns its bytes only if they hash
 * to `hash`. Peers are not trusted: a peer that serves other bytes gets `BLOB_HASH_MISMATCH`
 * (evidence, not retryable), an oversized answer `BLOB_TOO_LARGE` (the download is cut at the limit,
 * never buffered past it), and anything that looks like the peer not having it right now
 * (404, 5xx, refused connection, timeout) `BLOB_UNAVAILABLE` (retryable).
 *
 * @example
 * const bytes = await fetchBlob("http://127.0.0.1:7070", specHash, { maxBytes: 1 << 20 });
 */
export async function fetchBlob(baseUrl: string, hash: BlobHash, options: FetchBlobOptions): Promise<Uint8Array> {
  toBlobHash(hash);
  const url = new URL(`blobs/${hash}`, baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`).toString();
  const { maxBytes } = options;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
  const onAbort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener("abort", onAbort, { once: true });
  const unavailable = (reason: string, extra: Record<string, unknown> = {}, cause?: unknown) =>
    new BlobError("BLOB_UNAVAILABLE", `Blob unavailable from ${baseUrl}: ${reason}`, {
      details: { url, hash, ...extra },
      cause,
      retryable: true,
    });
  const tooLarge = (size: number) =>
    new BlobError("BLOB_TOO_LARGE", "Peer's blob is larger than allowed; not downloaded", {
      details: { url, hash, size, maxBytes },
    });
  try {
    let response: Response;
    try {
      response = await fetch(url, { signal: controller.signal });
    } catch (cause) {
      throw unavailable(controller.signal.aborted ? "timed out or aborted" : "request failed", {}, cause);
    }
    if (response.status !== 200 || response.body === null) {
      await response.body?.cancel().catch(() => {});
      throw unavailable(`HTTP ${response.status}`, { status: response.status });
    }
    const announced = Number(response.headers.get("content-length") ?? Number.NaN);
    if (announced > maxBytes) {
      controller.abort();
      throw tooLarge(announced);
    }
    const hasher = createHash("sha256");
    const chunks: Uint8Array[] = [];
    let size = 0;
    try {
      for await (const chunk of response.body) {
        size += chunk.byteLength;
        if (size > maxBytes) {
          controller.abort();
          throw tooLarge(size);
        }
        hasher.update(chunk);
        chunks.push(chunk);
      }
    } catch (cause) {
      if (cause instanceof BlobError) throw cause;
      throw unavailable(
        controller.signal.aborted ? "timed out or aborted mid-transfer" : "transfer failed",
        { size },
        cause,
      );
    }
    const actual = hasher.digest("hex");
    if (actual !== hash) {
      throw new BlobError("BLOB_HASH_MISMATCH", "Peer served bytes that do not match the blob hash", {
        details: { url, expected: hash, actual, size },
      });
    }
    return Buffer.concat(chunks, size);
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onAbort);
  }
}
