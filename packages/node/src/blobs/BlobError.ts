import { BaseError, type BaseErrorParameters } from "../errors.js";

/**
 * Why a blob operation failed. The HTTP API maps each code to one status, and `fetchBlob` callers
 * branch on it: a `BLOB_HASH_MISMATCH` from a peer is evidence (the peer served bad bytes), a
 * `BLOB_UNAVAILABLE` is only a reason to try again later or elsewhere.
 */
export type BlobErrorCode =
  | "BLOB_INVALID_HASH"
  | "BLOB_NOT_FOUND"
  | "BLOB_TOO_LARGE"
  | "BLOB_QUOTA_EXCEEDED"
  | "BLOB_HASH_MISMATCH"
  | "BLOB_CORRUPT"
  | "BLOB_UNAVAILABLE"
  | "BLOB_PUT_UNSIGNED"
  | "BLOB_PUT_EXPIRED"
  | "BLOB_PUT_BAD_SIGNATURE"
  | "BLOB_PUT_FORBIDDEN";

/** HTTP status the API answers for each code (also what a client expects to see for it). */
export const blobErrorStatus: Record<BlobErrorCode, number> = {
  BLOB_INVALID_HASH: 400,
  BLOB_NOT_FOUND: 404,
  BLOB_TOO_LARGE: 413,
  BLOB_QUOTA_EXCEEDED: 507,
  BLOB_HASH_MISMATCH: 400,
  // The bad copy is deleted on detection, so from the caller's side the blob is simply gone.
  BLOB_CORRUPT: 404,
  BLOB_UNAVAILABLE: 503,
  BLOB_PUT_UNSIGNED: 401,
  BLOB_PUT_EXPIRED: 401,
  BLOB_PUT_BAD_SIGNATURE: 401,
  // Correctly signed, but the signer is neither a registered node nor the requester of a live job.
  BLOB_PUT_FORBIDDEN: 403,
};

/** A blob store or blob transfer failure; `code` says which, `retryable` whether trying again can help. */
export class BlobError extends BaseError {
  override name = "BlobError";
  declare readonly code: BlobErrorCode;

  constructor(code: BlobErrorCode, shortMessage: string, parameters: Omit<BaseErrorParameters, "code"> = {}) {
    super(shortMessage, { ...parameters, code });
  }
}
