import { type Command, InvalidArgumentError } from "commander";
import type { Address } from "viem";
import { type ChainOptions, chainCommand } from "./common/chainOptions.js";
import { connect } from "./common/connect.js";
import { parseAddressArg, parseBigIntArg } from "./common/parseArgs.js";
import { sendTx } from "./common/sendTx.js";

const CLASSES = ["CPU", "EDGE", "SERVER", "GPU"];

/**
 * `mai register`: the node's hot key registers itself for an owner (who must have staked for it first).
 * @example
 * MAI_NODE_KEY=0x... mai register --owner 0xOwner --device-class CPU --capacity 5 --endpoint http://203.0.113.7:7070
 */
export function registerCommand(): Command {
  return chainCommand("register", "MAI_NODE_KEY")
    .description("register this node's hot key for an owner (stake for it first with `mai stake`)")
    .requiredOption("--owner <address>", "the cold owner address that staked for this node", parseAddressArg)
    .option(
      "--device-class <class>",
      `one of ${CLASSES.join(", ")}`,
      (v: string) => {
        if (!CLASSES.includes(v.toUpperCase())) throw new InvalidArgumentError(`expected one of ${CLASSES.join(", ")}`);
        return v.toUpperCase();
      },
      "CPU",
    )
    .option("--capacity <cups>", "throughput in compute units per second (from `mai bench`)", parseBigIntArg, 1n)
    .requiredOption("--endpoint <url>", "the node's public blob/API endpoint (its registry metadata)")
    .action(
      async (
        options: ChainOptions & {
          owner: Address;
          deviceClass: string;
          capacity: bigint;
          endpoint: string;
        },
      ) => {
        if (!/^https?:\/\//.test(options.endpoint)) throw new InvalidArgumentError("--endpoint must be an http(s) URL");
        const { nodeRegistryAbi } = await import("@maitoken/protocol");
        const clients = await connect(options, true);
        const { hash } = await sendTx(clients, {
          address: clients.deployment.contracts.registry,
          abi: nodeRegistryAbi,
          functionName: "register",
          args: [options.owner, CLASSES.indexOf(options.deviceClass), options.capacity, options.endpoint],
          label: "register",
        });
        process.stdout.write(`node ${clients.account?.address} registered for owner ${options.owner} (tx ${hash})\n`);
      },
    );
}
