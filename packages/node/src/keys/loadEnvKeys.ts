import { type Hex, isHex, type LocalAccount } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { BaseError } from "../errors.js";

export type LoadEnvKeysReturnType = {
  /** Hot key: signs the node's protocol transactions (commit, reveal, audit...). */
  node: LocalAccount | undefined;
  /** Cold key: owns the stake and receives rewards; a devnet may keep it in env. */
  owner: LocalAccount | undefined;
};

function parseKey(name: string, value: string | undefined): LocalAccount | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const key = (value.trim().startsWith("0x") ? value.trim() : `0x${value.trim()}`) as Hex;
  if (!isHex(key) || key.length !== 66) {
    throw new BaseError(`${name} is not a private key: expected 0x followed by 64 hex digits`, {
      code: "KEY_INVALID",
      details: { variable: name },
    });
  }
  return privateKeyToAccount(key);
}

/**
 * Devnet keys from the environment: `MAI_NODE_KEY` (hot) and `MAI_OWNER_KEY` (cold). Refuses the
 * same key for both, since separating them is the point: a stolen node key must not reach the stake.
 * @example const { node, owner } = loadEnvKeys(process.env);
 */
export function loadEnvKeys(env: Record<string, string | undefined> = process.env): LoadEnvKeysReturnType {
  const node = parseKey("MAI_NODE_KEY", env.MAI_NODE_KEY);
  const owner = parseKey("MAI_OWNER_KEY", env.MAI_OWNER_KEY);
  if (node && owner && node.address === owner.address) {
    throw new BaseError("MAI_NODE_KEY and MAI_OWNER_KEY are the same key: give the node its own hot key", {
      code: "KEY_REUSED",
      details: { address: node.address },
    });
  }
  return { node, owner };
}
