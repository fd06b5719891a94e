import { Command, Option } from "commander";

type KeysOptions = { dir: string; passwordEnv: string; light?: boolean };

const common = (cmd: Command) =>
  cmd
    .addOption(
      new Option("--dir <dir>", "keystore directory (one per key role: owner and node apart)")
        .env("MAI_KEYSTORE_DIR")
        .default(".mai/keystore"),
    )
    .option("--password-env <name>", "environment variable holding the keystore password", "MAI_KEYSTORE_PASSWORD");

function password(options: KeysOptions): string {
  const value = process.env[options.passwordEnv];
  if (!value)
    throw new Error(
      `set ${options.passwordEnv} to the keystore password (or name another variable with --password-env)`,
    );
  return value;
}

/**
 * `mai keys new|import|list`: Web3 Secret Storage (v3) keystores, readable by geth and ethers.
 * @example
 * MAI_KEYSTORE_PASSWORD=... mai keys new --dir ~/.mai/owner
 */
export function keysCommand(): Command {
  const keys = new Command("keys").description("create, import and list encrypted keys (Web3 Secret Storage v3)");
  keys.addCommand(
    common(new Command("new"))
      .description("create a new random key, encrypted with the password")
      .option("--light", "cheaper scrypt parameters (tests and devnets only)")
      .action(async (options: KeysOptions) => {
        const { createKeystore } = await import("@maitoken/node/src/keys/createKeystore.js");
        const entry = await createKeystore(options.dir).create({ password: password(options), light: options.light });
        process.stdout.write(`${entry.address} ${entry.file}\n`);
      }),
  );
  keys.addCommand(
    common(new Command("import"))
      .description("encrypt an existing private key read from an environment variable")
      .option("--key-env <name>", "environment variable holding the private key to import", "MAI_IMPORT_KEY")
      .option("--light", "cheaper scrypt parameters (tests and devnets only)")
      .action(async (options: KeysOptions & { keyEnv: string }) => {
        const key = process.env[options.keyEnv];
        if (!key || !/^0x[0-9a-fA-F]{64}$/.test(key))
          throw new Error(`set ${options.keyEnv} to the private key to import (0x + 64 hex)`);
        const { createKeystore } = await import("@maitoken/node/src/keys/createKeystore.js");
        const entry = await createKeystore(options.dir).import({
          privateKey: key as `0x${string}`,
          password: password(options),
          light: options.light,
        });
        process.stdout.write(`${entry.address} ${entry.file}\n`);
      }),
  );
  keys.addCommand(
    common(new Command("list"))
      .description("list the addresses in a keystore directory")
      .action(async (options: KeysOptions) => {
        const { createKeystore } = await import("@maitoken/node/src/keys/createKeystore.js");
        for (const e of createKeystore(options.dir).list()) process.stdout.write(`${e.address} ${e.file}\n`);
      }),
  );
  return keys;
}
