import { Command, InvalidArgumentError, Option } from "commander";
import { type Address, type Hex, getAddress, isAddress, parseEther } from "viem";

type DeployOptions = {
  rpc: string;
  out: string;
  preset: "devnet" | "production";
  keyEnv: string;
  genesis: { address: Address; amount: bigint }[];
  chainId?: number;
  replace?: boolean;
};

function parseGenesis(value: string, previous: { address: Address; amount: bigint }[]) {
  const [address, amount] = value.split("=");
  if (!address || !amount || !isAddress(address, { strict: false }) || !/^\d+(\.\d+)?$/.test(amount)) {
    throw new InvalidArgumentError(`expected ADDRESS=MAI, e.g. 0xabc...=1000000, got "${value}"`);
  }
  return [...previous, { address: getAddress(address), amount: parseEther(amount) }];
}

/**
 * `mai deploy --rpc URL`: deploys and wires the whole protocol and writes `<out>/<chainId>.json`.
 * @example
 * MAI_DEPLOYER_KEY=0x... mai deploy --rpc https://rpc.example --preset production --genesis 0xTreasury=1000000 --chain-id 8453
 */
export function deployCommand(): Command {
  return new Command("deploy")
    .description("deploy the protocol contracts to any EVM chain and record them in <out>/<chainId>.json")
    .requiredOption("--rpc <url>", "JSON-RPC URL of the chain")
    .option("--out <dir>", "where the deployment record goes", "deployments")
    .addOption(new Option("--preset <name>", "parameter set").choices(["devnet", "production"]).default("production"))
    .option("--key-env <name>", "environment variable holding the deployer key", "MAI_DEPLOYER_KEY")
    .option("--genesis <address=MAI>", "genesis allocation (repeatable)", parseGenesis, [])
    .option("--chain-id <id>", "refuse to deploy unless the RPC is this chain", (v) => Number(v))
    .option("--replace", "archive an existing record for this chain and deploy again")
    .action(async (options: DeployOptions) => {
      const key = process.env[options.keyEnv];
      if (!key || !/^0x[0-9a-fA-F]{64}$/.test(key))
        throw new Error(`set ${options.keyEnv} to the deployer's private key (0x + 64 hex)`);
      const { deployProtocol } = await import("@maitoken/protocol");
      const deployment = await deployProtocol({
        rpcUrl: options.rpc,
        deployerKey: key as Hex,
        preset: options.preset,
        genesis: options.genesis,
        outDir: options.out,
        expectedChainId: options.chainId,
        replace: options.replace,
        onProgress: (m) => process.stderr.write(`  ${m}\n`),
      });
      for (const [name, address] of Object.entries(deployment.contracts))
        process.stdout.write(`${name.padEnd(18)} ${address}\n`);
    });
}
