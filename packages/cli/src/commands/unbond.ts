import type { Command } from "commander";
import { type Address, formatEther } from "viem";
import { type ChainOptions, chainCommand } from "./common/chainOptions.js";
import { connect } from "./common/connect.js";
import { parseAddressArg, parseMai } from "./common/parseArgs.js";
import { sendTx } from "./common/sendTx.js";

/**
 * `mai unbond <amount> --node ADDR`: the owner starts unbonding stake (withdraw it after the unbonding period).
 * @example
 * MAI_OWNER_KEY=0x... mai unbond 50 --node 0xNodeHotKey
 */
export function unbondCommand(): Command {
  return chainCommand("unbond", "MAI_OWNER_KEY")
    .description("move unlocked stake into unbonding (still slashable until withdrawn)")
    .argument("<amount>", "MAI", parseMai)
    .requiredOption("--node <address>", "the node's hot-key address", parseAddressArg)
    .action(async (amount: bigint, options: ChainOptions & { node: Address }) => {
      const { nodeRegistryAbi } = await import("@maitoken/protocol");
      const clients = await connect(options, true);
      const { hash } = await sendTx(clients, {
        address: clients.deployment.contracts.registry,
        abi: nodeRegistryAbi,
        functionName: "requestUnbond",
        args: [options.node, amount],
        label: "requestUnbond",
      });
      process.stdout.write(`unbonding ${formatEther(amount)} MAI of node ${options.node} (tx ${hash})\n`);
    });
}
