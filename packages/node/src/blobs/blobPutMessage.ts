import type { BlobHash } from "./toBlobHash.js";

/**
 * Request headers that carry a blob upload's authorisation. The signature is EIP-191
 * (`personal_sign`) over `blobPutMessage(hash, expiry)`, so any Ethereum wallet can produce it and
 * the server recovers the signer without a session.
 */
export const blobPutHeaders = {
  signer: "x-mai-signer",
  expiry: "x-mai-expiry",
  signature: "x-mai-signature",
} as const;

/**
 * The text a blob upload signs: it binds the content hash (a signature cannot be reused for other
 * bytes) and an expiry in unix seconds (a leaked signature stops working soon). Replaying it within
 * the expiry can only store the same bytes again, which content addressing makes harmless.
 */
export function blobPutMessage(hash: BlobHash, expiry: number | bigint): string {
  return `mai-blob-put:${hash}:${expiry}`;
}
