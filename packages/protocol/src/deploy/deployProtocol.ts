/**
 * Deploys and wires the whole protocol to any EVM RPC and records it in
 * `<outDir>/<chainId>.json`. The order matters: the reward engine must exist before the token
 * can name its minter, and registry and engine are wired to the market exactly once.
 * An existing deployment file is never overwritten silently: the caller must pass `replace`,
 * and the old file is kept beside it with its block number in the name.
 */
import { existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import {
  type Abi,
  type Address,
  type Chain,
  type BaseError,
  ContractFunctionRevertedError,
  type Hex,
  createPublicClient,
  createWalletClient,
  defineChain,
  encodeFunctionData,
  getAddress,
  http,
  stringToHex,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import {
  blockhashRandomnessAbi,
  blockhashRandomnessBytecode,
  jobMarketAbi,
  jobMarketAuditsAbi,
  jobMarketAuditsBytecode,
  jobMarketBytecode,
  jobMarketDisputesAbi,
  jobMarketDisputesBytecode,
  maiTokenAbi,
  maiTokenBytecode,
  nodeRegistryAbi,
  nodeRegistryBytecode,
  protocolConfigAbi,
  protocolConfigBytecode,
  rewardEngineAbi,
  rewardEngineBytecode,
  timelockControllerAbi,
  timelockControllerBytecode,
} from "../index.js";
import { type Deployment, serializeDeployment } from "../deployments.js";

export const MAX_SUPPLY = 1_000_000_000n * 10n ** 18n;

export type DeployProtocolParameters = {
  rpcUrl: string;
  /** Private key of the deployer; it pays gas and performs the one-time wiring. */
  deployerKey: Hex;
  /** `devnet`: short windows and epochs, committee of 1; `production`: the protocol defaults. */
  preset: "devnet" | "production";
  /** Genesis allocation (e.g. a devnet faucet, team, ecosystem); counts toward the cap. */
  genesis: readonly { address: Address; amount: bigint }[];
  /** MAI wei reserved for mining rewards; defaults to 60% of the cap. */
  miningPool?: bigint;
  /** Seconds per reward epoch; defaults to 10 on a devnet, 3600 otherwise. */
  epochLength?: number;
  /** Timelock delay for parameter changes (seconds); defaults to 60 on a devnet, 2 days otherwise. */
  timelockDelay?: number;
  /** Governance proposers / executors, guardian (pause) and treasury; default to the deployer. */
  proposers?: readonly Address[];
  executors?: readonly Address[];
  guardian?: Address;
  treasury?: Address;
  /** Where `<chainId>.json` goes. */
  outDir: string;
  /** Refuse to deploy unless the RPC reports this chain id (guards against the wrong network). */
  expectedChainId?: number;
  /**
   * Protocol parameters set through governance right after the wiring, before the record is written
   * (keys as `ProtocolConfig` names them, e.g. `{ minLeaseDuration: 60n }`; the contract checks bounds).
   * Needs a timelock delay of 0 and the deployer as proposer and executor (the defaults): for test
   * networks that need a parameter the presets do not have.
   */
  overrides?: Readonly<Record<string, bigint>>;
  /** Archive an existing deployment file for this chain instead of refusing. */
  replace?: boolean;
  onProgress?: (message: string) => void;
};

export class DeployError extends Error {
  override name = "DeployError";
}

/**
 * @example
 * const deployment = await deployProtocol({
 *   rpcUrl: "http://127.0.0.1:8545", deployerKey: "0xac09...", preset: "devnet",
 *   genesis: [{ address: faucet, amount: 100_000_000n * 10n ** 18n }], outDir: "deployments",
 * });
 * console.log(deployment.contracts.jobMarket);
 */
export async function deployProtocol(parameters: DeployProtocolParameters): Promise<Deployment> {
  const { rpcUrl, preset, outDir, onProgress = () => {} } = parameters;
  const devnet = preset === "devnet";
  const account = privateKeyToAccount(parameters.deployerKey);
  const transport = http(rpcUrl, { retryCount: 2 });
  const probe = createPublicClient({ transport });
  let chainId: number;
  try {
    chainId = await probe.getChainId();
  } catch (cause) {
    throw new DeployError(`cannot reach the RPC at ${rpcUrl}: is the node running and the URL right?`, { cause });
  }
  if (parameters.expectedChainId !== undefined && chainId !== parameters.expectedChainId) {
    throw new DeployError(
      `the RPC at ${rpcUrl} is chain ${chainId}, not the expected chain ${parameters.expectedChainId}`,
    );
  }
  const file = path.join(outDir, `${chainId}.json`);
  if (existsSync(file) && !parameters.replace) {
    throw new DeployError(
      `${file} already records a deployment on chain ${chainId}; pass replace to archive it and deploy again`,
    );
  }

  const miningPool = parameters.miningPool ?? (MAX_SUPPLY * 60n) / 100n;
  const genesisTotal = parameters.genesis.reduce((sum, g) => sum + g.amount, 0n);
  if (genesisTotal + miningPool > MAX_SUPPLY) {
    throw new DeployError(
      `genesis allocation ${genesisTotal} plus mining pool ${miningPool} exceeds the cap ${MAX_SUPPLY}`,
    );
  }
  const balance = await probe.getBalance({ address: account.address });
  if (balance === 0n)
    throw new DeployError(`the deployer ${account.address} has no native balance to pay gas on chain ${chainId}`);

  const chain: Chain = defineChain({
    id: chainId,
    name: `chain-${chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  });
  const publicClient = createPublicClient({ chain, transport });
  const wallet = createWalletClient({ account, chain, transport });
  const startBlock = await publicClient.getBlockNumber();

  async function deploy(name: string, abi: Abi, bytecode: Hex, args: readonly unknown[]): Promise<Address> {
    onProgress(`deploying ${name}`);
    const hash = await wallet.deployContract({ abi, bytecode, args });
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success" || !receipt.contractAddress)
      throw new DeployError(`deploying ${name} reverted (tx ${hash})`);
    return getAddress(receipt.contractAddress);
  }
  async function send(label: string, address: Address, abi: Abi, functionName: string, args: readonly unknown[]) {
    onProgress(label);
    const hash = await wallet.writeContract({ address, abi, functionName, args });
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success") throw new DeployError(`${label} reverted (tx ${hash})`);
  }

  const epochLength = parameters.epochLength ?? (devnet ? 10 : 3600);
  const timelockDelay = parameters.timelockDelay ?? (devnet ? 60 : 2 * 24 * 3600);
  const overrides = Object.entries(parameters.overrides ?? {});
  if (overrides.length > 0 && (timelockDelay !== 0 || parameters.proposers || parameters.executors)) {
    throw new DeployError(
      "parameter overrides are applied through the timelock at once: they need timelockDelay 0 and the deployer as proposer and executor",
    );
  }
  const guardian = parameters.guardian ?? account.address;
  const treasury = parameters.treasury ?? account.address;

  const token = await deploy("MAIToken", maiTokenAbi, maiTokenBytecode, [
    parameters.genesis.map((g) => g.address),
    parameters.genesis.map((g) => g.amount),
    miningPool,
  ]);
  const timelock = await deploy("TimelockController", timelockControllerAbi, timelockControllerBytecode, [
    BigInt(timelockDelay),
    parameters.proposers ?? [account.address],
    parameters.executors ?? [account.address],
    "0x0000000000000000000000000000000000000000",
  ]);
  const config = await deploy("ProtocolConfig", protocolConfigAbi, protocolConfigBytecode, [
    timelock,
    guardian,
    treasury,
    miningPool,
    devnet,
  ]);
  const registry = await deploy("NodeRegistry", nodeRegistryAbi, nodeRegistryBytecode, [token, config]);
  const latest = await publicClient.getBlock();
  const genesisTime = latest.timestamp;
  const rewardEngine = await deploy("RewardEngine", rewardEngineAbi, rewardEngineBytecode, [
    token,
    registry,
    config,
    genesisTime,
    BigInt(epochLength),
  ]);
  const randomness = await deploy("BlockhashRandomness", blockhashRandomnessAbi, blockhashRandomnessBytecode, []);
  // The market is split in three to fit the 24 KiB code limit: the entry contract delegate-calls
  // its audit and dispute modules, which share its storage layout.
  const marketArgs = [token, config, registry, rewardEngine, randomness] as const;
  const audits = await deploy("JobMarketAudits", jobMarketAuditsAbi, jobMarketAuditsBytecode, marketArgs);
  const disputes = await deploy("JobMarketDisputes", jobMarketDisputesAbi, jobMarketDisputesBytecode, marketArgs);
  const jobMarket = await deploy("JobMarket", jobMarketAbi, jobMarketBytecode, [...marketArgs, audits, disputes]);

  await send("token.setMinter(rewardEngine)", token, maiTokenAbi, "setMinter", [rewardEngine]);
  await send("registry.wire(market, rewardEngine)", registry, nodeRegistryAbi, "wire", [jobMarket, rewardEngine]);
  await send("rewardEngine.wire(market)", rewardEngine, rewardEngineAbi, "wire", [jobMarket]);
  for (const [key, value] of overrides) {
    const args = [stringToHex(key, { size: 32 }), value] as const;
    // As the timelock will call it: an unknown key or a value out of bounds is named here, decoded.
    await publicClient
      .simulateContract({
        account: timelock,
        address: config,
        abi: protocolConfigAbi,
        functionName: "setParameter",
        args,
      })
      .catch((cause: BaseError) => {
        const reverted = cause.walk?.((e) => e instanceof ContractFunctionRevertedError) as
          | ContractFunctionRevertedError
          | undefined;
        const why = reverted?.data?.errorName ?? cause.shortMessage;
        throw new DeployError(`the override ${key} = ${value} is refused by ProtocolConfig: ${why}`, { cause });
      });
    const call = [
      config,
      0n,
      encodeFunctionData({ abi: protocolConfigAbi, functionName: "setParameter", args }),
      `0x${"0".repeat(64)}`,
      args[0],
    ] as const;
    await send(`schedule ${key} = ${value}`, timelock, timelockControllerAbi, "schedule", [...call, 0n]);
    await send(`set ${key} = ${value}`, timelock, timelockControllerAbi, "execute", call);
  }

  const read = async (functionName: "registryParams" | "marketParams" | "rewardParams") => {
    const struct = await publicClient.readContract({ address: config, abi: protocolConfigAbi, functionName });
    return Object.fromEntries(Object.entries(struct).map(([k, v]) => [k, BigInt(v as number | bigint)]));
  };
  const deployment: Deployment = {
    chainId,
    preset,
    deployer: account.address,
    block: Number(startBlock),
    genesisTime: Number(genesisTime),
    epochLength,
    timelockDelay,
    miningPool,
    genesis: parameters.genesis.map((g) => ({ address: g.address, amount: g.amount })),
    contracts: {
      token,
      timelock,
      config,
      registry,
      rewardEngine,
      randomness,
      jobMarket,
      jobMarketAudits: audits,
      jobMarketDisputes: disputes,
    },
    parameters: {
      registry: await read("registryParams"),
      market: await read("marketParams"),
      reward: await read("rewardParams"),
    },
  };

  mkdirSync(outDir, { recursive: true });
  if (existsSync(file)) {
    const archived = path.join(outDir, `${chainId}.replaced-${Date.now()}.json`);
    renameSync(file, archived);
    onProgress(`archived the previous deployment to ${archived}`);
  }
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, serializeDeployment(deployment));
  renameSync(tmp, file);
  onProgress(`wrote ${file}`);
  return deployment;
}
