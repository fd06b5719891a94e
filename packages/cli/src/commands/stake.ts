import type { Command } from "commander";
import { type Address, formatEther } from "viem";
import { type ChainOptions, chainCommand } from "./common/chainOptions.js";
import { connect } from "./common/connect.js";
import { parseAddressArg, parseMai } from "./common/parseArgs.js";
import { sendTx } from "./common/sendTx.js";

/**
 * `mai stake <amount> --node ADDR`: the owner approves and deposits MAI stake for a node.
 * @example
 * MAI_OWNER_KEY=0x... mai stake 100 --node 0xNodeHotKey
 */
export function stakeCommand(): Command {
  return chainCommand("stake", "MAI_OWNER_KEY")
    .description("deposit MAI stake for a node (the first deposit binds you as its owner)")
    .argument("<amount>", "MAI, e.g. 100 or 0.5", parseMai)
    .requiredOption("--node <address>", "the node's hot-key address", parseAddressArg)
    .action(async (amount: bigint, options: ChainOptions & { node: Address }) => {
      const { maiTokenAbi, nodeRegistryAbi } = await import("@maitoken/protocol");
      const { SdkError } = await import("@maitoken/node/sdk");
      const clients = await connect(options, true);
      const { token, registry } = clients.deployment.contracts;
      const owner = clients.account?.address as Address;
      const balance = await clients.publicClient.readContract({
        address: token,
        abi: maiTokenAbi,
        functionName: "balanceOf",
        args: [owner],
      });
      if (balance < amount) {
        throw new SdkError(
          "INSUFFICIENT_BALANCE",
          `${owner} holds ${formatEther(balance)} MAI, less than the ${formatEther(amount)} to stake`,
        );
      }
      const allowance = await clients.publicClient.readContract({
        address: token,
        abi: maiTokenAbi,
        functionName: "allowance",
        args: [owner, registry],
      });
      if (allowance < amount) {
        await sendTx(clients, {
          address: token,
          abi: maiTokenAbi,
          functionName: "approve",
          args: [registry, amount],
          label: "approve",
        });
      }
      const { hash } = await sendTx(clients, {
        address: registry,
        abi: nodeRegistryAbi,
        functionName: "stake",
        args: [options.node, amount],
        label: "stake",
      });
      process.stdout.write(`staked ${formatEther(amount)} MAI for node ${options.node} (tx ${hash})\n`);
    });
}
