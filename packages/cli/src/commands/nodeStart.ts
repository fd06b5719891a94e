import { Command } from "commander";

/**
 * `mai node start`: runs the node daemon with the given roles until SIGINT/SIGTERM. Prints exactly
 * one line `ready <httpUrl>` on stdout once the node is registered and serving; logs go to stderr.
 * @example
 * MAI_NODE_KEY=0x... MAI_OWNER_KEY=0x... mai node start --rpc http://127.0.0.1:8545 --deployments deployments --data-dir .mai/node1 --roles miner,auditor,keeper
 */
export function nodeCommand(): Command {
  const node = new Command("node").description("run a mAIToken node (miner, auditor, keeper)");
  node
    .command("start")
    .description("start the node daemon; prints `ready <url>` when serving")
    .option("--config <file>", "YAML config file (flags > MAI_* env > file > defaults)")
    .option("--rpc <url>", "EVM JSON-RPC URL (MAI_RPC_URL)")
    .option("--deployments <dir>", "directory holding <chainId>.json (MAI_DEPLOYMENT_DIR)")
    .option("--chain-id <id>", "refuse an RPC on another chain")
    .option("--roles <list>", "comma-separated roles: miner,auditor,keeper (MAI_ROLES)")
    .option("--data-dir <dir>", "SQLite journal and blob store directory (MAI_DATA_DIR)")
    .option("--confirmations <n>", "blocks before an event counts")
    .option("--min-price-per-cu <wei>", "least price per compute unit the miner accepts")
    .option("--max-concurrent <n>", "most leased batches not yet committed")
    .option("--lease-delay <blocks>", "blocks a batch stays open before this miner leases it (default 0)")
    .option("--capacity <cu/s>", "registration: compute units per second (default: measured like `mai bench`)")
    .option("--host <host>", "HTTP listen host (default 127.0.0.1)")
    .option("--port <port>", "HTTP listen port (default: any free port)")
    .option("--public-url <url>", "URL other nodes use to reach this one (registry metadata)")
    .option("--blob-peer <url...>", "extra blob endpoints to fetch specs and inputs from")
    .option("--log-format <format>", "pretty or json")
    .option("--log-level <level>", "fatal, error, warn, info, debug, trace or silent")
    .option("--stake <wei>", "stake to bond at first start when an owner key is given")
    .option("--cheat", "devnet only: return fake results (to demonstrate audits and slashing)")
    .action(async (flags: Record<string, string | string[] | boolean | undefined>) => {
      const { buildOptions, createLogger, createNode } = await import("@maitoken/node");
      const options = buildOptions({
        flags: {
          config: flags.config as string | undefined,
          rpcUrl: flags.rpc,
          deploymentDir: flags.deployments,
          chainId: flags.chainId,
          roles: flags.roles,
          dataDir: flags.dataDir,
          confirmations: flags.confirmations,
          minPricePerCU: flags.minPricePerCu,
          maxConcurrentWork: flags.maxConcurrent,
          leaseDelayBlocks: flags.leaseDelay,
          capacityCUps: flags.capacity,
          httpHost: flags.host,
          httpPort: flags.port,
          publicUrl: flags.publicUrl,
          blobPeers: flags.blobPeer,
          logFormat: flags.logFormat,
          logLevel: flags.logLevel,
          stake: flags.stake,
          cheat: flags.cheat,
        },
      });
      const logger = createLogger({
        format: options.logFormat,
        level: options.logLevel,
        destination: process.stderr,
      });
      const handle = await createNode(options, { logger });
      process.stdout.write(`ready ${handle.url}\n`);
      const stop = () => {
        void handle.stop().then(() => process.exit(0));
      };
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
      await handle.stopped;
    });
  return node;
}
