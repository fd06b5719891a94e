import type { Command } from "commander";
import type { Address } from "viem";
import { type ChainOptions, chainCommand } from "./common/chainOptions.js";
import { connect } from "./common/connect.js";
import { parseAddressArg } from "./common/parseArgs.js";
import { sendTx } from "./common/sendTx.js";

/**
 * `mai unjail --node ADDR`: leave jail once the term is over (hot key or owner).
 * @example
 * MAI_OWNER_KEY=0x... mai unjail --node 0xNodeHotKey
 */
export function unjailCommand(): Command {
  return chainCommand("unjail", "MAI_OWNER_KEY")
    .description("take a node out of jail after its term (hot key or owner)")
    .requiredOption("--node <address>", "the node's hot-key address", parseAddressArg)
    .action(async (options: ChainOptions & { node: Address }) => {
      const { nodeRegistryAbi } = await import("@maitoken/protocol");
      const clients = await connect(options, true);
      const { hash } = await sendTx(clients, {
        address: clients.deployment.contracts.registry,
        abi: nodeRegistryAbi,
        functionName: "unjail",
        args: [options.node],
        label: "unjail",
      });
      process.stdout.write(`node ${options.node} unjailed (tx ${hash})\n`);
    });
}
