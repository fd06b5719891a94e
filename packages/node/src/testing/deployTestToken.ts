import { maiTokenAbi, maiTokenBytecode } from "@maitoken/protocol";
import { type Address, createPublicClient, createWalletClient, type Hex, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { foundry } from "viem/chains";

export type DeployTestTokenParameters = { rpcUrl: string; deployerKey: Hex; holders: readonly Address[] };

/**
 * Deploys a bare MAIToken (no market) giving each holder 1,000 MAI: a real contract whose
 * `Transfer` logs and custom-error reverts the chain tests can drive.
 */
export async function deployTestToken(parameters: DeployTestTokenParameters): Promise<Address> {
  const { rpcUrl, deployerKey, holders } = parameters;
  const account = privateKeyToAccount(deployerKey);
  const wallet = createWalletClient({ account, chain: foundry, transport: http(rpcUrl) });
  const client = createPublicClient({ chain: foundry, transport: http(rpcUrl) });
  const hash = await wallet.deployContract({
    abi: maiTokenAbi,
    bytecode: maiTokenBytecode,
    args: [holders, holders.map(() => 1_000n * 10n ** 18n), 1_000_000n * 10n ** 18n],
  });
  const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 50 });
  if (!receipt.contractAddress) throw new Error("MAIToken deployment has no contract address");
  return receipt.contractAddress;
}
