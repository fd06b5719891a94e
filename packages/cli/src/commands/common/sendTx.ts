import { type SdkClients, SdkError, toSdkError } from "@maitoken/node/sdk";
import type { Abi, Address, Hex, TransactionReceipt } from "viem";

export type SendTxParameters = {
  address: Address;
  abi: Abi;
  functionName: string;
  args: readonly unknown[];
  label: string;
};

/**
 * Simulates, sends and waits for one transaction; a revert is reported by its custom error before
 * anything is sent, so a failed command leaves nothing half-done on chain.
 */
export async function sendTx(
  clients: SdkClients,
  p: SendTxParameters,
): Promise<{ hash: Hex; receipt: TransactionReceipt; result: unknown }> {
  const { publicClient, walletClient, account } = clients;
  if (!walletClient || !account) throw new SdkError("NO_ACCOUNT", `${p.label} needs a signing key`);
  let hash: Hex;
  let result: unknown;
  try {
    const sim = await publicClient.simulateContract({
      account,
      address: p.address,
      abi: p.abi,
      functionName: p.functionName,
      args: p.args,
    });
    result = sim.result;
    hash = await walletClient.writeContract(sim.request as Parameters<typeof walletClient.writeContract>[0]);
  } catch (cause) {
    throw toSdkError(cause, p.label);
  }
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success") throw new SdkError("TX_REVERTED", `${p.label} reverted (tx ${hash})`);
  return { hash, receipt, result };
}
