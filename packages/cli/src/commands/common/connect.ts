import { type SdkClients, SdkError, createSdkClients } from "@maitoken/node/sdk";
import type { Hex } from "viem";
import type { ChainOptions } from "./chainOptions.js";

/**
 * Clients for a chain command. With `signer: true` the key is read from the variable named by
 * `--key-env`; a missing or malformed key is a clear error before anything touches the chain.
 */
export async function connect(options: ChainOptions, signer: boolean): Promise<SdkClients> {
  let account: Hex | undefined;
  if (signer) {
    const value = process.env[options.keyEnv];
    if (!value)
      throw new SdkError(
        "NO_ACCOUNT",
        `No signing key: set ${options.keyEnv} to a private key (0x + 64 hex), or name another variable with --key-env`,
      );
    if (!/^0x[0-9a-fA-F]{64}$/.test(value))
      throw new SdkError("NO_ACCOUNT", `${options.keyEnv} is not a private key (expected 0x + 64 hex digits)`);
    account = value as Hex;
  }
  return createSdkClients({
    rpcUrl: options.rpc,
    deploymentDir: options.deployment,
    account,
  });
}
