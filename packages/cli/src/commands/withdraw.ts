import type { Command } from "commander";
import { type Address, formatEther } from "viem";
import { type ChainOptions, chainCommand } from "./common/chainOptions.js";
import { connect } from "./common/connect.js";
import { parseAddressArg } from "./common/parseArgs.js";
import { sendTx } from "./common/sendTx.js";

/**
 * `mai withdraw --node ADDR`: the owner collects stake whose unbonding period is over.
 * @example
 * MAI_OWNER_KEY=0x... mai withdraw --node 0xNodeHotKey
 */
export function withdrawCommand(): Command {
  return chainCommand("withdraw", "MAI_OWNER_KEY")
    .description("withdraw unbonded stake to the owner once the unbonding period is over")
    .requiredOption("--node <address>", "the node's hot-key address", parseAddressArg)
    .action(async (options: ChainOptions & { node: Address }) => {
      const { nodeRegistryAbi } = await import("@maitoken/protocol");
      const clients = await connect(options, true);
      const { hash, result } = await sendTx(clients, {
        address: clients.deployment.contracts.registry,
        abi: nodeRegistryAbi,
        functionName: "withdraw",
        args: [options.node],
        label: "withdraw",
      });
      process.stdout.write(`withdrew ${formatEther(result as bigint)} MAI of node ${options.node} (tx ${hash})\n`);
    });
}
