import { type Deployment, DeploymentError, loadDeployment } from "@maitoken/protocol";
import {
  type Account,
  type Chain,
  type Hex,
  type PublicClient,
  type Transport,
  type WalletClient,
  createPublicClient,
  createWalletClient,
  defineChain,
  http,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { SdkError } from "./SdkError.js";

export type CreateSdkClientsParameters = {
  /** JSON-RPC URL of any EVM chain the protocol is deployed on. */
  rpcUrl: string;
  /** The deployment record; or where `<chainId>.json` lives (default `$MAI_DEPLOYMENTS_DIR` or `./deployments`). */
  deployment?: Deployment;
  deploymentDir?: string;
  /** The requester's key (or a viem account). Leave out for read-only use (estimate, status, results). */
  account?: Hex | Account;
  /** Poll interval for receipts and watchers (ms). Default 500. */
  pollingInterval?: number;
};

export type SdkClients = {
  publicClient: PublicClient<Transport, Chain>;
  /** Present when an account was given. */
  walletClient: WalletClient<Transport, Chain, Account> | undefined;
  account: Account | undefined;
  deployment: Deployment;
  chain: Chain;
};

/**
 * Connects to a chain and finds the protocol on it: the one object every SDK function takes.
 * Fails with `RPC_DOWN` when the RPC does not answer and `DEPLOYMENT_MISSING` when no deployment
 * record exists for the chain it reports.
 * @example
 * const clients = await createSdkClients({ rpcUrl: "http://127.0.0.1:8545", deploymentDir: "deployments", account: key });
 * console.log(clients.deployment.contracts.jobMarket);
 */
export async function createSdkClients(parameters: CreateSdkClientsParameters): Promise<SdkClients> {
  const { rpcUrl, pollingInterval = 500 } = parameters;
  const transport = http(rpcUrl, { retryCount: 1, timeout: 10_000 });
  let chainId: number;
  try {
    chainId = await createPublicClient({ transport }).getChainId();
  } catch (cause) {
    throw new SdkError(
      "RPC_DOWN",
      `Cannot reach the RPC at ${rpcUrl}; check that the chain is running and the URL is right`,
      {
        details: { rpcUrl },
        cause,
        retryable: true,
      },
    );
  }
  let deployment = parameters.deployment;
  if (!deployment) {
    try {
      deployment = loadDeployment(chainId, parameters.deploymentDir);
    } catch (cause) {
      throw new SdkError(
        "DEPLOYMENT_MISSING",
        `No protocol deployment for chain ${chainId}: ${cause instanceof DeploymentError ? cause.message : String(cause)}; pass --deployment DIR (or set MAI_DEPLOYMENTS_DIR)`,
        { details: { chainId, dir: parameters.deploymentDir }, cause },
      );
    }
  }
  if (deployment.chainId !== chainId) {
    throw new SdkError(
      "DEPLOYMENT_MISSING",
      `The deployment is for chain ${deployment.chainId} but ${rpcUrl} is chain ${chainId}`,
      {
        details: { chainId, deploymentChainId: deployment.chainId },
      },
    );
  }
  const chain = defineChain({
    id: chainId,
    name: `chain-${chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  });
  const publicClient = createPublicClient({
    chain,
    transport,
    pollingInterval,
  });
  const account =
    parameters.account === undefined
      ? undefined
      : typeof parameters.account === "string"
        ? privateKeyToAccount(parameters.account)
        : parameters.account;
  const walletClient = account ? createWalletClient({ account, chain, transport, pollingInterval }) : undefined;
  return { publicClient, walletClient, account, deployment, chain };
}
