import { createHash } from "node:crypto";
import type { Address, Hex } from "viem";
import { BlobError, type BlobErrorCode, blobErrorStatus } from "./BlobError.js";
import { blobPutHeaders, blobPutMessage } from "./blobPutMessage.js";
import type { BlobHash } from "./toBlobHash.js";

/** Anything that can sign an EIP-191 message: a viem local account, or a wallet adapter. */
export type BlobSigner = {
  address: Address;
  signMessage: (args: { message: string }) => Promise<Hex>;
};

export type PutBlobOptions = {
  /** Signature validity. Default 300 s (the server caps it). */
  validForSeconds?: number;
  /** Default 60 s. */
  timeoutMs?: number;
  /**
   * How long a `BLOB_PUT_FORBIDDEN` refusal is retried (every second). A node reads the chain once a
   * block and remembers a refusal for a few seconds, so the requester of a job created a moment ago
   * may be refused at first. Default 0: no retry.
   */
  forbiddenRetryMs?: number;
};

export type PutBlobReturnType = { hash: BlobHash; size: number; created: boolean };

/**
 * Uploads `bytes` to a node's `PUT /blobs/<sha256>`, signed by `signer`. Resolves when the node has
 * stored and verified them; fails with the node's reason as a `BlobError` (`BLOB_PUT_FORBIDDEN` when
 * the signer is not allowed there, `BLOB_QUOTA_EXCEEDED` when its store is full, ...).
 *
 * @example
 * const { hash } = await putBlob("http://127.0.0.1:7070", bytes, privateKeyToAccount(key));
 */
export async function putBlob(
  baseUrl: string,
  bytes: Uint8Array,
  signer: BlobSigner,
  options: PutBlobOptions = {},
): Promise<PutBlobReturnType> {
  const giveUpAt = Date.now() + (options.forbiddenRetryMs ?? 0);
  for (;;) {
    try {
      return await putOnce(baseUrl, bytes, signer, options);
    } catch (error) {
      if (!(error instanceof BlobError && error.code === "BLOB_PUT_FORBIDDEN") || Date.now() + 1000 > giveUpAt)
        throw error;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

async function putOnce(
  baseUrl: string,
  bytes: Uint8Array,
  signer: BlobSigner,
  options: PutBlobOptions,
): Promise<PutBlobReturnType> {
  const hash = createHash("sha256").update(bytes).digest("hex");
  const url = new URL(`blobs/${hash}`, baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`).toString();
  const expiry = Math.floor(Date.now() / 1000) + (options.validForSeconds ?? 300);
  const signature = await signer.signMessage({ message: blobPutMessage(hash, expiry) });
  let response: Response;
  try {
    response = await fetch(url, {
      method: "PUT",
      // fetch's types want an ArrayBuffer-backed view; a SharedArrayBuffer-backed one is copied.
      body: bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes),
      headers: {
        "content-type": "application/octet-stream",
        [blobPutHeaders.signer]: signer.address,
        [blobPutHeaders.expiry]: String(expiry),
        [blobPutHeaders.signature]: signature,
      },
      signal: AbortSignal.timeout(options.timeoutMs ?? 60_000),
    });
  } catch (cause) {
    throw new BlobError("BLOB_UNAVAILABLE", `Could not upload the blob to ${baseUrl}`, {
      details: { url, hash },
      cause,
      retryable: true,
    });
  }
  const body = (await response.json().catch(() => ({}))) as {
    error?: string;
    code?: string;
    details?: Record<string, unknown>;
  };
  if (response.status === 200 || response.status === 201) {
    return { hash, size: bytes.byteLength, created: response.status === 201 };
  }
  const code = (body.code && body.code in blobErrorStatus ? body.code : "BLOB_UNAVAILABLE") as BlobErrorCode;
  throw new BlobError(code, `Upload refused by ${baseUrl}: ${body.error ?? `HTTP ${response.status}`}`, {
    details: { url, hash, status: response.status, ...body.details },
    retryable: response.status >= 500,
  });
}
