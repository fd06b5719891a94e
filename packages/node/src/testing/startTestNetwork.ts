/**
 * Test-only: a real anvil (interval mining), the whole protocol deployed with devnet parameters, and
 * helpers to start daemons and post jobs the way a requester does. Anvil keys: 0 deployer/treasury,
 * 1..6 owner/node pairs, 7 requester.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type Deployment, deployProtocol, jobMarketAbi, maiTokenAbi, startAnvil } from "@maitoken/protocol";
import { canonicalJson, parseSpec, specHash } from "@maitoken/runtime";
import { type Hex, createPublicClient, createWalletClient, http, parseEventLogs } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { foundry } from "viem/chains";
import type { NodeOptionsInput } from "../config/buildOptions.js";
import { buildOptions } from "../config/buildOptions.js";
import { createNode, type NodeHandle } from "../daemon/createNode.js";
import { createLogger } from "../log/createLogger.js";
import { anvilKeys } from "./anvilKeys.js";

export const MAI = 10n ** 18n;

export type StartTestNetworkParameters = {
  /** Extra anvil flags, e.g. `["--timestamp", "<unix seconds>"]` for a genesis in the past. */
  anvilArgs?: readonly string[];
  /** Protocol parameters on top of the devnet preset, e.g. `{ minLeaseDuration: 60n }`. */
  overrides?: Readonly<Record<string, bigint>>;
};

export async function startTestNetwork(parameters: StartTestNetworkParameters = {}) {
  // Deploy on automine (instant receipts), then switch to 1 s interval mining like a devnet, so no
  // node mines the block that decides its own audit.
  const anvil = await startAnvil({ args: parameters.anvilArgs });
  const dir = mkdtempSync(path.join(tmpdir(), "mai-net-"));
  const owners = [1, 3, 5].map((i) => privateKeyToAccount(anvilKeys[i] as Hex).address);
  const requester = privateKeyToAccount(anvilKeys[7] as Hex);
  const deployment: Deployment = await deployProtocol({
    rpcUrl: anvil.rpcUrl,
    deployerKey: anvilKeys[0] as Hex,
    preset: "devnet",
    genesis: [...owners, requester.address].map((address) => ({
      address,
      amount: 10_000n * MAI,
    })),
    outDir: path.join(dir, "deployments"),
    ...(parameters.overrides ? { overrides: parameters.overrides, timelockDelay: 0 } : {}),
  });
  const client = createPublicClient({
    chain: foundry,
    transport: http(anvil.rpcUrl),
    pollingInterval: 100,
  });
  await client.request({ method: "evm_setAutomine" as never, params: [false] as never });
  await client.request({ method: "evm_setIntervalMining" as never, params: [1] as never });
  const wallet = createWalletClient({
    account: requester,
    chain: foundry,
    transport: http(anvil.rpcUrl),
  });
  const nodes: NodeHandle[] = [];

  return {
    anvil,
    dir,
    client,
    deployment,
    /** Node n (0..2): owner key 1+2n, node key 2+2n. */
    nodeOptions(n: number, extra: Partial<NodeOptionsInput> = {}) {
      return buildOptions({
        env: {},
        flags: {
          rpcUrl: anvil.rpcUrl,
          deploymentDir: path.join(dir, "deployments"),
          dataDir: path.join(dir, `node${n}`),
          ownerKey: anvilKeys[1 + 2 * n],
          nodeKey: anvilKeys[2 + 2 * n],
          roles: ["miner"],
          pollIntervalMs: 300,
          // A fixed claim: no device benchmark at each test node's registration.
          capacityCUps: 50,
          logLevel: (process.env.MAI_TEST_LOG ?? "warn") as "warn",
          logFormat: process.env.MAI_TEST_LOG_FORMAT === "json" ? "json" : "pretty",
          ...extra,
        },
      });
    },
    async startNode(n: number, extra: Partial<NodeOptionsInput> = {}) {
      const options = this.nodeOptions(n, extra);
      const node = await createNode(options, {
        logger: createLogger({
          format: options.logFormat,
          level: options.logLevel,
          base: { node: n },
          destination: process.stderr,
        }),
      });
      nodes.push(node);
      return node;
    },
    /** Posts a job (spec stored on `host`'s blob store); returns its id. */
    async postJob(
      host: NodeHandle,
      specJson: unknown,
      params: {
        batchSize: number;
        cuPerUnit?: bigint;
        minAuditBps?: number;
        chains?: number;
        units?: number;
      },
    ) {
      const spec = parseSpec(specJson);
      const hash = specHash(spec);
      await host.context.blobs.put(new TextEncoder().encode(canonicalJson(spec)));
      const { computeUnits } = await import("@maitoken/runtime");
      const cu = computeUnits(spec);
      const cuPerUnit = params.cuPerUnit ?? BigInt(Math.max(1, Math.ceil(cu.cuPerUnit)));
      const pricePerUnit = 10n ** 9n * cuPerUnit * 1000n;
      const units = params.units ?? cu.units;
      const auditReserve = MAI;
      const requesterBond = MAI / 5n;
      const escrow = pricePerUnit * BigInt(units) + auditReserve + requesterBond;
      const market = deployment.contracts.jobMarket;
      await client.waitForTransactionReceipt({
        hash: await wallet.writeContract({
          address: deployment.contracts.token,
          abi: maiTokenAbi,
          functionName: "approve",
          args: [market, escrow],
        }),
      });
      const block = await client.getBlock();
      const hashTx = await wallet.writeContract({
        address: market,
        abi: jobMarketAbi,
        functionName: "createJob",
        args: [
          {
            specHash: hash,
            units,
            batchSize: params.batchSize,
            cuPerUnit,
            pricePerUnit,
            auditReserve,
            requesterBond,
            deadline: Number(block.timestamp) + 3600,
            minAuditBps: params.minAuditBps ?? 0,
            chains: params.chains ?? 0,
            minDeviceClass: 0,
          },
        ],
      });
      const receipt = await client.waitForTransactionReceipt({ hash: hashTx });
      const [created] = parseEventLogs({
        abi: jobMarketAbi,
        logs: receipt.logs,
        eventName: "JobCreated",
      });
      return (created as unknown as { args: { jobId: bigint } }).args.jobId;
    },
    async stop() {
      await Promise.all(nodes.map((n) => n.stop()));
      await anvil.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls `check` until it returns a value (not undefined) or the time runs out. */
export async function waitFor<T>(
  label: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 60_000,
  intervalMs = 250,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) {
      if (process.env.MAI_TEST_TIMING) console.error(`${new Date().toISOString()} ${label}`);
      return value;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${label}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
