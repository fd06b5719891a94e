import { getAddress, isAddress } from "viem";
import { z } from "zod";

const address = z
  .string()
  .refine((s) => isAddress(s, { strict: false }), { message: "expected a 0x-prefixed 20-byte address" })
  .transform((s) => getAddress(s));

/** A uint256 written as a decimal string (JSON numbers lose precision above 2^53). */
const uintString = z.string().regex(/^[0-9]+$/, { message: "expected a decimal integer string" });

/**
 * Schema of `deployments/<chainId>.json`, written by the deploy step (`mai deploy`, `mai devnet`) and read by
 * the node, the CLI and the explorer. Addresses are checksummed on read.
 */
export const deploymentSchema = z.object({
  chainId: z.number().int().positive(),
  /** Block of the first deployment transaction: where indexers start. */
  block: z.number().int().nonnegative(),
  addresses: z.object({
    maiToken: address,
    protocolConfig: address,
    nodeRegistry: address,
    rewardEngine: address,
    jobMarket: address,
    randomness: address,
    timelock: address,
  }),
  /** Deploy-time parameters (epoch length, genesis timestamp, ...): numbers, or decimal strings for uint256. */
  parameters: z.record(z.string(), z.union([z.number(), z.boolean(), uintString, z.string()])),
});

export type Deployment = z.infer<typeof deploymentSchema>;
/** What a deploy step writes (addresses need not be checksummed). */
export type DeploymentInput = z.input<typeof deploymentSchema>;
