import type { Command } from "commander";
import { type Address, formatEther } from "viem";
import { type ChainOptions, chainCommand } from "./common/chainOptions.js";
import { connect } from "./common/connect.js";
import { parseAddressArg, parseIntArg } from "./common/parseArgs.js";
import { printJson } from "./common/printJson.js";
import { sendTx } from "./common/sendTx.js";

type RewardsOptions = ChainOptions & {
  node?: Address;
  claim?: boolean;
  epochs: number;
  json?: boolean;
};

/**
 * `mai rewards [--node ADDR] [--claim]`: a node's unclaimed emission per settled epoch and the
 * signer's market credit (fees, refunds); `--claim` mints the emission to the owner and withdraws the credit.
 * @example
 * MAI_OWNER_KEY=0x... mai rewards --node 0xNodeHotKey --claim
 */
export function rewardsCommand(): Command {
  return chainCommand("rewards", "MAI_OWNER_KEY")
    .description("show (and with --claim collect) a node's minted rewards and your market credit")
    .option("--node <address>", "the node (default: the signer)", parseAddressArg)
    .option("--claim", "claim unclaimed settled epochs and withdraw the signer's market credit")
    .option("--epochs <n>", "how many recent epochs to look at", parseIntArg, 100)
    .option("--json", "print one JSON line")
    .action(async (options: RewardsOptions) => {
      const { jobMarketAbi, rewardEngineAbi } = await import("@maitoken/protocol");
      const clients = await connect(options, options.claim === true || options.node === undefined);
      const { publicClient, deployment } = clients;
      const node = options.node ?? (clients.account?.address as Address);
      const engine = deployment.contracts.rewardEngine;
      const open = await publicClient.readContract({
        address: engine,
        abi: rewardEngineAbi,
        functionName: "openEpoch",
      });
      const first = open > BigInt(options.epochs) ? open - BigInt(options.epochs) : 0n;
      const epochs: bigint[] = [];
      let pending = 0n;
      for (let e = first; e < open; e++) {
        const amount = await publicClient.readContract({
          address: engine,
          abi: rewardEngineAbi,
          functionName: "pendingReward",
          args: [node, e],
        });
        if (amount > 0n) {
          epochs.push(e);
          pending += amount;
        }
      }
      const signer = clients.account?.address;
      const credit = signer
        ? await publicClient.readContract({
            address: deployment.contracts.jobMarket,
            abi: jobMarketAbi,
            functionName: "creditOf",
            args: [signer],
          })
        : 0n;
      let claimed = 0n;
      let withdrawn = 0n;
      if (options.claim) {
        if (epochs.length > 0) {
          const r = await sendTx(clients, {
            address: engine,
            abi: rewardEngineAbi,
            functionName: "claimRewards",
            args: [node, epochs],
            label: "claimRewards",
          });
          claimed = r.result as bigint;
        }
        if (credit > 0n) {
          const r = await sendTx(clients, {
            address: deployment.contracts.jobMarket,
            abi: jobMarketAbi,
            functionName: "withdraw",
            args: [],
            label: "withdraw credit",
          });
          withdrawn = r.result as bigint;
        }
      }
      if (options.json)
        return printJson({
          node,
          openEpoch: open,
          pending,
          epochs,
          credit,
          claimed,
          withdrawn,
        });
      process.stdout.write(
        `node ${node}: ${formatEther(pending)} MAI unclaimed over ${epochs.length} settled epoch(s) (open epoch ${open})\n`,
      );
      if (signer) process.stdout.write(`market credit of ${signer}: ${formatEther(credit)} MAI\n`);
      if (options.claim)
        process.stdout.write(`claimed ${formatEther(claimed)} MAI, withdrew ${formatEther(withdrawn)} MAI\n`);
    });
}
