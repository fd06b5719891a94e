import { Command, Option } from "commander";

export type ChainOptions = { rpc: string; deployment?: string; keyEnv: string };

/**
 * A subcommand with the options every chain command shares: `--rpc`, `--deployment` and
 * `--key-env` (the NAME of the environment variable holding the signing key, so keys never appear
 * on a command line or in shell history).
 */
export function chainCommand(name: string, defaultKeyEnv: string): Command {
  return new Command(name)
    .addOption(
      new Option("--rpc <url>", "JSON-RPC URL of the chain").env("MAI_RPC_URL").default("http://127.0.0.1:8545"),
    )
    .addOption(
      new Option("--deployment <dir>", "directory holding <chainId>.json (default ./deployments)").env(
        "MAI_DEPLOYMENTS_DIR",
      ),
    )
    .option("--key-env <name>", "environment variable holding the signing key (0x + 64 hex)", defaultKeyEnv);
}
