import { BaseError, type BaseErrorParameters } from "../errors.js";

/**
 * What went wrong for a requester, as a stable code the CLI and callers can branch on. Every code
 * raised before a transaction is sent guarantees that nothing was written on chain.
 */
export type SdkErrorCode =
  | "RPC_DOWN"
  | "DEPLOYMENT_MISSING"
  | "BAD_SPEC"
  | "CU_OVERSTATED"
  | "PRICE_UNDER_FLOOR"
  | "ESCROW_BELOW_MINIMUM"
  | "INSUFFICIENT_BALANCE"
  | "INSUFFICIENT_GAS"
  | "NO_ACCOUNT"
  | "TX_REVERTED"
  | "UNKNOWN_JOB"
  | "NOT_REQUESTER"
  | "JOB_CLOSED"
  | "UPLOAD_FAILED"
  | "RESULT_MISMATCH";

/** The SDK's error: `code` says which case, the message what to do about it. */
export class SdkError extends BaseError {
  override name = "SdkError";
  declare readonly code: SdkErrorCode;

  constructor(code: SdkErrorCode, shortMessage: string, parameters: Omit<BaseErrorParameters, "code"> = {}) {
    super(shortMessage, { ...parameters, code });
  }
}
