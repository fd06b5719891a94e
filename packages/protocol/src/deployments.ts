/**
 * The record of one deployment, `deployments/<chainId>.json`: contract addresses, the block the
 * deployment started at (where chain sync and indexers begin), and every parameter it was deployed
 * with. Written by the deploy step (`deployProtocol`), read by the node, the CLI and the explorer.
 * Amounts are decimal strings in the file and bigints in memory; addresses are checksummed on read.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { type Address, getAddress, isAddress } from "viem";
import { z } from "zod";

const address = z
  .string()
  .refine((s) => isAddress(s, { strict: false }), { message: "expected a 0x-prefixed 20-byte address" })
  .transform((s): Address => getAddress(s));
const amount = z
  .union([z.string().regex(/^\d+$/, { message: "expected a decimal integer string" }), z.number().int().nonnegative()])
  .transform((v) => BigInt(v));
const params = z.record(z.string(), amount);

export const deploymentSchema = z.object({
  chainId: z.number().int().positive(),
  preset: z.enum(["devnet", "production"]),
  deployer: address,
  /** Block number just before the first deployment transaction. */
  block: z.number().int().nonnegative(),
  /** RewardEngine epoch 0 start (unix seconds). */
  genesisTime: z.number().int().nonnegative(),
  epochLength: z.number().int().positive(),
  timelockDelay: z.number().int().nonnegative(),
  miningPool: amount,
  genesis: z.array(z.object({ address, amount })),
  contracts: z.object({
    token: address,
    timelock: address,
    config: address,
    registry: address,
    rewardEngine: address,
    randomness: address,
    jobMarket: address,
    jobMarketAudits: address,
    jobMarketDisputes: address,
  }),
  /** ProtocolConfig's three parameter groups as read right after deployment. */
  parameters: z.object({ registry: params, market: params, reward: params }),
});

/** A validated deployment (bigint amounts, checksummed addresses). */
export type Deployment = z.output<typeof deploymentSchema>;
/** What is stored in the file. */
export type DeploymentFile = z.input<typeof deploymentSchema>;

/** Thrown when a deployment file is missing, not JSON, invalid, or records another chain. */
export class DeploymentError extends Error {
  override name = "DeploymentError";
  constructor(
    message: string,
    readonly file: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The file text for a deployment (bigints as decimal strings). */
export function serializeDeployment(deployment: Deployment): string {
  return `${JSON.stringify(deployment, (_key, value) => (typeof value === "bigint" ? value.toString() : value), 2)}\n`;
}

/**
 * Reads and validates `<dir>/<chainId>.json`; `dir` defaults to `$MAI_DEPLOYMENTS_DIR`, else `./deployments`.
 * @throws DeploymentError naming the file, every invalid field, and what to do.
 * @example
 * const { contracts, block } = loadDeployment(31337);
 */
export function loadDeployment(
  chainId: number,
  dir: string = process.env.MAI_DEPLOYMENTS_DIR ?? "deployments",
): Deployment {
  const file = path.resolve(dir, `${chainId}.json`);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (cause) {
    throw new DeploymentError(
      `no deployment for chain ${chainId} at ${file}: deploy first (npx mai deploy --rpc URL, or npm start for a devnet) or pass the directory that holds it`,
      file,
      { cause },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new DeploymentError(`${file} is not valid JSON (${(cause as Error).message}); redeploy or restore it`, file, {
      cause,
    });
  }
  const parsed = deploymentSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    throw new DeploymentError(`${file} is not a valid deployment: ${issues}`, file, { cause: parsed.error });
  }
  if (parsed.data.chainId !== chainId) {
    throw new DeploymentError(`${file} records chain ${parsed.data.chainId}, not ${chainId}`, file);
  }
  return parsed.data;
}
