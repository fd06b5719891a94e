import { BlobError } from "./BlobError.js";

/** A blob's name: the lowercase hex sha256 of its bytes (64 characters, no `0x`). */
export type BlobHash = string;

const pattern = /^[0-9a-f]{64}$/;

/**
 * Checks that `value` is a canonical blob hash and returns it. Only the lowercase form is accepted
 * so that one blob has exactly one name (one file on disk, one URL, one cache entry).
 */
export function toBlobHash(value: string): BlobHash {
  if (!pattern.test(value)) {
    throw new BlobError("BLOB_INVALID_HASH", "Not a blob hash: expected 64 lowercase hex characters (sha256)", {
      details: { value: value.length > 80 ? `${value.slice(0, 80)}...` : value },
    });
  }
  return value;
}
