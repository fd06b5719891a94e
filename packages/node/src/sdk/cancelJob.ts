import { jobMarketAbi } from "@maitoken/protocol";
import { type Hex, parseEventLogs } from "viem";
import type { SdkClients } from "./createSdkClients.js";
import { SdkError } from "./SdkError.js";
import { toSdkError } from "./toSdkError.js";

export type CancelJobReturnType = {
  txHash: Hex;
  refunded: bigint;
  fee: bigint;
};

/**
 * Cancels a job: no new leases, the open value is credited back minus the cancel fee (batches in
 * flight finish). Refused before sending (`NOT_REQUESTER`, `JOB_CLOSED`, `UNKNOWN_JOB`) by a
 * simulation. Credits are pulled with the market's `withdraw` (`mai rewards --claim` does it).
 * @example
 * const { refunded } = await cancelJob(clients, 3n);
 */
export async function cancelJob(clients: SdkClients, jobId: bigint): Promise<CancelJobReturnType> {
  const { publicClient, walletClient, account, deployment } = clients;
  if (!walletClient || !account)
    throw new SdkError("NO_ACCOUNT", "Cancelling a job needs the requester's key; pass an account");
  let txHash: Hex;
  try {
    const { request } = await publicClient.simulateContract({
      account,
      address: deployment.contracts.jobMarket,
      abi: jobMarketAbi,
      functionName: "cancel",
      args: [jobId],
    });
    txHash = await walletClient.writeContract(request);
  } catch (cause) {
    throw toSdkError(cause, `cancelling job ${jobId}`);
  }
  const receipt = await publicClient.waitForTransactionReceipt({
    hash: txHash,
  });
  if (receipt.status !== "success") throw new SdkError("TX_REVERTED", `cancel reverted (tx ${txHash})`);
  const [event] = parseEventLogs({
    abi: jobMarketAbi,
    logs: receipt.logs,
    eventName: "JobCancelled",
  });
  return {
    txHash,
    refunded: event?.args.refunded ?? 0n,
    fee: event?.args.fee ?? 0n,
  };
}
