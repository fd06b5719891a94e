/**
 * The daemon: wires store, tx managers, blob store, HTTP API, metrics and the configured roles, and
 * drives them from one loop (scan the market, then each role's tick). One loop keeps every write in
 * order and makes shutdown simple: SIGINT/SIGTERM abort the signal, the loop finishes the step it is
 * in (never a half-written row: every write is one SQLite transaction), then the server closes.
 */
import path from "node:path";
import { jobMarketAbi, loadDeployment, maiTokenAbi, nodeRegistryAbi, rewardEngineAbi } from "@maitoken/protocol";
import { type Address, type Hex, type PublicClient, createPublicClient, decodeEventLog, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { createJobProviders } from "../api/createJobProviders.js";
import { createPutAuthorizer } from "../api/createPutAuthorizer.js";
import { createHttpServer } from "../api/createHttpServer.js";
import { createBlobStore } from "../blobs/createBlobStore.js";
import { createChainSync } from "../chain/createChainSync.js";
import { createComputeLoad } from "./createComputeLoad.js";
import { measureCapacity } from "./measureCapacity.js";
import { createTxManager } from "../chain/createTxManager.js";
import { sleep } from "../chain/withRetry.js";
import type { NodeOptions } from "../config/buildOptions.js";
import { BaseError } from "../errors.js";
import { createAuditor } from "../auditor/createAuditor.js";
import { createKeeper } from "../keeper/createKeeper.js";
import { type NodeLogger, createLogger } from "../log/createLogger.js";
import { createMetrics } from "../metrics/createMetrics.js";
import { createMiner } from "../miner/createMiner.js";
import { openStore } from "../store/openStore.js";
import { decryptKeystore } from "../keys/decryptKeystore.js";
import type { KeystoreV3 } from "../keys/keystoreTypes.js";
import { readFileSync } from "node:fs";
import { createBlobNetwork } from "./createBlobNetwork.js";
import { createCollector } from "./createCollector.js";
import type { NodeContext } from "./NodeContext.js";
import { JobStatus } from "./BatchState.js";
import { ensureRegistered } from "./ensureRegistered.js";
import { type MarketView, createMarketScanner } from "./scanMarket.js";
import { waitForNextBlock } from "./waitForNextBlock.js";

export type CreateNodeParameters = { logger?: NodeLogger };

export type NodeHandle = {
  url: string;
  address: Address;
  context: NodeContext;
  /** Stops the loop after its current step, closes the server and the database. Idempotent. */
  stop: () => Promise<void>;
  /** Resolves when the loop has ended. */
  stopped: Promise<void>;
};

const deviceClasses = { CPU: 0, EDGE: 1, SERVER: 2, GPU: 3 } as const;

/**
 * @example
 * const node = await createNode(buildOptions({ flags: { roles: "miner,auditor,keeper" } }));
 * console.log(`ready ${node.url}`);
 * process.on("SIGTERM", () => node.stop());
 */
export async function createNode(options: NodeOptions, parameters: CreateNodeParameters = {}): Promise<NodeHandle> {
  const logger = parameters.logger ?? createLogger({ format: options.logFormat, level: options.logLevel });
  const metrics = createMetrics();
  const controller = new AbortController();
  const nodeKey = options.nodeKey ?? (await keyFromKeystore(options));
  const account = privateKeyToAccount(nodeKey as `0x${string}`);
  const ownerAccount = options.ownerKey ? privateKeyToAccount(options.ownerKey as `0x${string}`) : undefined;
  const client = createPublicClient({
    transport: http(options.rpcUrl, { retryCount: 3 }),
    pollingInterval: 250,
  }) as PublicClient;
  let chainId: number;
  try {
    chainId = await client.getChainId();
  } catch (cause) {
    throw new BaseError(`cannot reach the RPC at ${options.rpcUrl}: is the chain running and the URL right?`, {
      cause,
      retryable: true,
      code: "RPC_DOWN",
    });
  }
  if (options.chainId !== undefined && options.chainId !== chainId) {
    throw new BaseError(
      `the RPC at ${options.rpcUrl} is chain ${chainId}, not the configured chain ${options.chainId}`,
      { code: "WRONG_CHAIN" },
    );
  }
  const deployment = loadDeployment(chainId, options.deploymentDir);
  const store = openStore({ file: path.join(options.dataDir, "node.sqlite") });
  const blobs = await createBlobStore({
    dir: path.join(options.dataDir, "blobs"),
    maxBlobBytes: options.maxBlobBytes,
    quotaBytes: options.blobQuotaBytes,
    logger,
    metrics,
  });
  const abis = [jobMarketAbi, nodeRegistryAbi, rewardEngineAbi, maiTokenAbi];
  const txLogger = logger.child({ role: "tx" });
  const tx = createTxManager({
    store,
    client,
    account,
    abis,
    logger: txLogger,
    signal: controller.signal,
    pollIntervalMs: 200,
  });
  const ownerTx = ownerAccount
    ? createTxManager({
        store,
        client,
        account: ownerAccount,
        abis,
        logger: txLogger,
        signal: controller.signal,
        pollIntervalMs: 200,
      })
    : undefined;
  // Transactions journaled before a crash are followed to their receipts before any new decision.
  await tx.resumeAll();
  await ownerTx?.resumeAll();

  const registry = deployment.contracts.registry;
  const market = deployment.contracts.jobMarket;
  // The confirmed event history (the API's audit trail). Decisions never wait for it: roles read
  // the contracts' current state each tick, which a reorg or an outage cannot leave stale.
  const sync = createChainSync({
    store,
    client,
    stream: "protocol",
    contracts: [market, registry, deployment.contracts.rewardEngine],
    fromBlock: BigInt(deployment.block),
    confirmations: options.confirmations,
    pollIntervalMs: options.pollIntervalMs,
    maxHeadAgeSeconds: options.staleHeadSeconds || undefined,
    abis,
    handler: {},
    logger: logger.child({ role: "sync" }),
  });
  let lastView: MarketView | undefined;
  let pausedSince: number | undefined;
  let context: NodeContext | undefined;
  const server = createHttpServer({
    blobStore: blobs,
    metrics,
    logger,
    host: options.httpHost,
    port: options.httpPort,
    // Uploads come from registered nodes and from requesters of jobs that are not final (answers cached
    // for a while, so a burst of uploads costs one chain read).
    authorizePut: createPutAuthorizer({
      isRegisteredNode: async (address) =>
        (
          (await client.readContract({
            address: registry,
            abi: nodeRegistryAbi,
            functionName: "getNode",
            args: [address],
          })) as { registered: boolean }
        ).registered,
      isLiveRequester: async (address) => {
        const live = (job: { requester: Address; status: bigint }) =>
          job.requester.toLowerCase() === address.toLowerCase() && (Number(job.status) & JobStatus.FINAL) === 0;
        // Every unfinished job is in the last scan; only jobs created since are read (the newest 64).
        if (lastView?.jobs.some((j) => live(j.job))) return true;
        const next = (await client.readContract({
          address: market,
          abi: jobMarketAbi,
          functionName: "nextJobId",
        })) as bigint;
        const from = lastView?.nextJobId ?? 1n;
        for (let id = next - 1n; id >= from && id >= 1n && id >= next - 64n; id--) {
          const job = await client.readContract({
            address: market,
            abi: jobMarketAbi,
            functionName: "getJob",
            args: [id],
          });
          if (live(job as { requester: Address; status: bigint })) return true;
        }
        return false;
      },
    }),
    providers: {
      status: () => ({
        node: account.address,
        owner: ownerAccount?.address,
        roles: options.roles,
        chainId,
        url,
        head: lastView?.head,
        paused: pausedSince !== undefined,
        sync: sync.status(),
      }),
      events: (q) => {
        const events = [];
        for (const log of store.sync.logsAbove("protocol", q.fromBlock - 1n)) {
          let decoded: { eventName: string; args: unknown } | undefined;
          for (const abi of abis) {
            try {
              decoded = decodeEventLog({ abi, data: log.data, topics: log.topics as [Hex, ...Hex[]] });
              break;
            } catch {}
          }
          if (!decoded || (q.name && decoded.eventName !== q.name)) continue;
          events.push({
            block: log.blockNumber,
            logIndex: log.logIndex,
            tx: log.transactionHash,
            contract: log.address,
            name: decoded.eventName,
            args: decoded.args,
          });
          if (events.length >= q.limit) break;
        }
        return { cursor: sync.status().cursor?.blockNumber, events };
      },
      batches: (q) => {
        const rows = store.db
          .prepare<unknown[], Record<string, unknown>>(
            `SELECT job, batch, attempt, role, phase, result_root AS resultRoot, result_blob AS resultBlob FROM work
             WHERE (? IS NULL OR job = ?) ORDER BY updated_at DESC LIMIT ? OFFSET ?`,
          )
          .all(q.jobId?.toString() ?? null, q.jobId?.toString() ?? null, q.limit, q.offset);
        return { node: account.address, batches: rows };
      },
      ...createJobProviders({ client, market, view: () => lastView }),
      rewards: async () => {
        const engine = deployment.contracts.rewardEngine;
        const read = (
          address: Address,
          abi: typeof jobMarketAbi | typeof rewardEngineAbi,
          functionName: string,
          args: unknown[],
        ) => client.readContract({ address, abi, functionName, args } as never) as Promise<unknown>;
        const current = (await read(engine, rewardEngineAbi, "currentEpoch", [])) as bigint;
        const epochs: { epoch: bigint; weight: bigint; claimed: boolean }[] = [];
        for (let e = current > 32n ? current - 32n : 0n; e <= current; e++) {
          const [weight, claimed] = (await read(engine, rewardEngineAbi, "nodeEpochWeight", [e, account.address])) as [
            bigint,
            boolean,
          ];
          if (weight > 0n) epochs.push({ epoch: e, weight, claimed });
        }
        const owner = context?.owner;
        return {
          node: account.address,
          owner,
          ownerCredit: owner ? await read(market, jobMarketAbi, "creditOf", [owner]) : undefined,
          currentEpoch: current,
          epochs,
        };
      },
    },
  });
  let url = await server.listen();
  url = options.publicUrl ?? url;

  const owner = await ensureRegistered({
    client,
    registry,
    token: deployment.contracts.token,
    tx,
    ownerTx,
    node: account.address,
    url,
    stake: options.stake,
    deviceClass: deviceClasses[options.deviceClass],
    capacityCUps: async () =>
      options.capacityCUps === undefined ? measureCapacity(logger) : BigInt(options.capacityCUps),
    logger,
  });

  context = {
    options,
    logger,
    metrics,
    shutdown: controller.signal,
    client,
    deployment,
    address: account.address,
    owner,
    tx,
    ownerTx,
    store,
    blobs,
    url,
    compute: createComputeLoad(),
  };
  const network = createBlobNetwork({
    client,
    registry,
    fromBlock: BigInt(deployment.block),
    blobs,
    peers: options.blobPeers,
    self: url,
    maxBytes: options.maxBlobBytes,
    signal: controller.signal,
  });
  const roles: {
    name: string;
    tick: (view: Awaited<ReturnType<typeof scanner.scan>>) => Promise<void>;
    /** Work a role runs apart from its tick, awaited before the store closes. */
    drain?: () => Promise<void>;
  }[] = [];
  if (options.roles.includes("keeper")) roles.push({ name: "keeper", ...createKeeper(context) });
  if (options.roles.includes("auditor")) roles.push({ name: "auditor", ...createAuditor(context, network) });
  if (options.roles.includes("miner")) roles.push({ name: "miner", ...createMiner(context, network) });
  const scanner = createMarketScanner(client, market, { store });
  const collect = createCollector(context);
  roles.push({ name: "earnings", tick: collect });

  sync.start();
  // Role steps in flight, by role name (at most one per role).
  const stepping = new Map<string, Promise<void>>();
  const stopped = (async () => {
    let head: bigint | undefined;
    while (!controller.signal.aborted) {
      try {
        const view = await scanner.scan();
        head = view.head;
        lastView = view;
        metrics.chainHead?.set(Number(view.head));
        const age = Date.now() / 1000 - Number(view.now);
        if (options.staleHeadSeconds > 0 && age > options.staleHeadSeconds) {
          if (pausedSince === undefined) {
            logger.warn(
              { head: view.head, ageSeconds: Math.round(age) },
              "chain head is stale; pausing until it moves",
            );
          }
          pausedSince ??= Date.now();
          await sleep(options.pollIntervalMs, controller.signal).catch(() => {});
          continue;
        }
        if (pausedSince !== undefined) {
          logger.info(
            { head: view.head, pausedSeconds: Math.round((Date.now() - pausedSince) / 1000) },
            "chain moves again",
          );
          pausedSince = undefined;
        }
        // Each role steps on the newest view once its previous step has finished: a step waits for
        // its own receipts (a block each), so a keeper's or auditor's transactions never hold up a
        // miner's lease or commit, nor the other way round. Their transactions share the account's
        // nonce manager, which orders them.
        for (const role of roles) {
          if (controller.signal.aborted || stepping.has(role.name)) continue;
          const step = role
            .tick(view)
            .catch((error) => {
              if (!controller.signal.aborted)
                logger.error({ err: error, role: role.name }, "role step failed; retrying next tick");
            })
            .finally(() => stepping.delete(role.name));
          stepping.set(role.name, step);
        }
      } catch (error) {
        if (!controller.signal.aborted) logger.warn({ err: error }, "market scan failed; retrying");
        head = undefined;
      }
      if (head === undefined) await sleep(options.pollIntervalMs, controller.signal).catch(() => {});
      else await waitForNextBlock(client, head, options.pollIntervalMs, controller.signal);
    }
    await Promise.allSettled(stepping.values());
  })();

  let closing: Promise<void> | undefined;
  const stop = () => {
    closing ??= (async () => {
      controller.abort(new BaseError("node shutting down"));
      await stopped;
      await sync.stop();
      for (const role of roles) await role.drain?.();
      // Follows the tx managers run on their own (a re-followed lower nonce) end before the store closes.
      await tx.close();
      await ownerTx?.close();
      await server.close();
      store.close();
      logger.info("node stopped");
    })();
    return closing;
  };
  logger.info({ url, node: account.address, roles: options.roles }, "node running");
  return { url, address: account.address, context, stop, stopped };
}

/** The hot key from an encrypted keystore; the password comes from the environment variable the options name. */
async function keyFromKeystore(options: NodeOptions): Promise<string> {
  const file = options.keystore as string;
  const password = process.env[options.keystorePasswordEnv];
  if (password === undefined) {
    throw new BaseError(`the keystore ${file} needs its password in $${options.keystorePasswordEnv}`, {
      code: "KEYSTORE_NO_PASSWORD",
    });
  }
  let parsed: KeystoreV3;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8")) as KeystoreV3;
  } catch (cause) {
    throw new BaseError(`cannot read the keystore ${file}: check the path (it must be a JSON keystore file)`, {
      cause,
      code: "KEYSTORE_READ",
    });
  }
  return decryptKeystore(parsed, password);
}
