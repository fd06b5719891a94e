import { type Address, getAddress, type Hex, isAddress, isHex, verifyMessage } from "viem";
import { BlobError } from "../blobs/BlobError.js";
import { blobPutMessage } from "../blobs/blobPutMessage.js";
import type { BlobHash } from "../blobs/toBlobHash.js";

export type VerifyBlobPutSignatureParameters = {
  hash: BlobHash;
  /** Raw header values as the HTTP layer hands them over. */
  signer: string | string[] | undefined;
  expiry: string | string[] | undefined;
  signature: string | string[] | undefined;
  nowSeconds: number;
  /** Longest accepted validity, so a signature cannot be made to last forever. */
  maxValiditySeconds: number;
};

/**
 * Checks a blob upload's signature headers and returns the signer. It proves only who signed;
 * whether that signer may store blobs here is the caller's `authorizePut` question.
 */
export async function verifyBlobPutSignature(parameters: VerifyBlobPutSignatureParameters): Promise<Address> {
  const { hash, nowSeconds, maxValiditySeconds } = parameters;
  const signer = single(parameters.signer);
  const expiryText = single(parameters.expiry);
  const signature = single(parameters.signature);
  if (signer === undefined || expiryText === undefined || signature === undefined) {
    throw new BlobError(
      "BLOB_PUT_UNSIGNED",
      "Blob upload is not signed; send x-mai-signer, x-mai-expiry and x-mai-signature",
      {
        details: { hash },
      },
    );
  }
  if (!isAddress(signer, { strict: false }) || !/^\d{1,15}$/.test(expiryText) || !isHex(signature)) {
    throw new BlobError("BLOB_PUT_BAD_SIGNATURE", "Malformed upload signature headers", {
      details: { signer, expiry: expiryText },
    });
  }
  const expiry = Number(expiryText);
  if (expiry < nowSeconds) {
    throw new BlobError("BLOB_PUT_EXPIRED", "Upload signature has expired; sign again with a later expiry", {
      details: { expiry, now: nowSeconds },
    });
  }
  if (expiry > nowSeconds + maxValiditySeconds) {
    throw new BlobError("BLOB_PUT_EXPIRED", "Upload signature expiry is too far in the future", {
      details: { expiry, now: nowSeconds, maxValiditySeconds },
    });
  }
  const address = getAddress(signer);
  let valid = false;
  try {
    valid = await verifyMessage({ address, message: blobPutMessage(hash, expiry), signature: signature as Hex });
  } catch {
    valid = false;
  }
  if (!valid) {
    throw new BlobError("BLOB_PUT_BAD_SIGNATURE", "Upload signature does not match the signer, hash and expiry", {
      details: { signer: address, hash, expiry },
    });
  }
  return address;
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? undefined : value;
}
