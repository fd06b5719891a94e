import { jobMarketAbi, maiTokenAbi, nodeRegistryAbi, rewardEngineAbi } from "@maitoken/protocol";
import type { Abi } from "viem";
import { decodeRevert } from "../chain/decodeRevert.js";
import { isRetryable } from "../errors.js";
import { SdkError } from "./SdkError.js";

const abis: readonly Abi[] = [jobMarketAbi, maiTokenAbi, nodeRegistryAbi, rewardEngineAbi];

const friendly: Record<string, (args: readonly unknown[]) => [SdkError["code"], string]> = {
  ERC20InsufficientBalance: (a) => [
    "INSUFFICIENT_BALANCE",
    `The account holds ${a[1]} MAI wei but needs ${a[2]}; fund it first`,
  ],
  ERC20InsufficientAllowance: (a) => [
    "INSUFFICIENT_BALANCE",
    `The allowance is ${a[1]} MAI wei but ${a[2]} is needed; approve or use a permit`,
  ],
  PriceBelowFloor: (a) => ["PRICE_UNDER_FLOOR", `Price per unit ${a[0]} is under the floor ${a[1]}; raise the price`],
  EscrowBelowMinimum: (a) => ["ESCROW_BELOW_MINIMUM", `Escrow ${a[0]} is under the minimum ${a[1]}`],
  BondBelowMinimum: (a) => ["ESCROW_BELOW_MINIMUM", `Bond ${a[0]} is under the minimum ${a[1]}`],
  UnknownJob: (a) => ["UNKNOWN_JOB", `There is no job ${a[0]}`],
  NotRequester: (a) => ["NOT_REQUESTER", `Job ${a[0]} belongs to another requester, not ${a[1]}`],
  JobClosed: (a) => ["JOB_CLOSED", `Job ${a[0]} is already closed (cancelled, frozen or past its deadline)`],
};

/**
 * Turns whatever a chain call threw into an `SdkError` that says what was wrong: RPC down
 * (retryable), a decoded custom error, or no gas money; anything else keeps its message.
 */
export function toSdkError(error: unknown, doing: string): SdkError {
  if (error instanceof SdkError) return error;
  const revert = decodeRevert(error, abis);
  if (revert) {
    const map = friendly[revert.errorName];
    if (map) {
      const [code, message] = map(revert.args);
      return new SdkError(code, message, {
        cause: error,
        details: { errorName: revert.errorName },
      });
    }
    const args = revert.args.map((a) => String(a)).join(", ");
    return new SdkError("TX_REVERTED", `${doing} reverted with ${revert.errorName}(${args})`, {
      cause: error,
      details: { errorName: revert.errorName },
    });
  }
  const text = error instanceof Error ? error.message : String(error);
  if (/insufficient funds/i.test(text)) {
    return new SdkError("INSUFFICIENT_GAS", `The account cannot pay gas while ${doing}; send it some native currency`, {
      cause: error,
    });
  }
  if (isRetryable(error)) {
    return new SdkError("RPC_DOWN", `The RPC failed while ${doing}; check the chain and try again`, {
      cause: error,
      retryable: true,
    });
  }
  return new SdkError("TX_REVERTED", `${doing} failed: ${text.split("\n")[0]}`, { cause: error });
}
