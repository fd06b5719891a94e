/**
 * A directory of Web3 Secret Storage v3 files, one key per file, named as geth names them
 * (`UTC--<time>--<address>`), so `geth account list` or ethers can use the same directory.
 * Keep the owner (cold) key and the node (hot) key in different directories: the daemon only ever
 * opens the node's, and the owner key (stake, withdraw, rewards address) can live offline.
 */
import { chmodSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { type Address, getAddress, type Hex, isHex, type LocalAccount } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { BaseError } from "../errors.js";
import { decryptKeystore } from "./decryptKeystore.js";
import { encryptKeystore } from "./encryptKeystore.js";
import type { KeystoreV3 } from "./keystoreTypes.js";

export type KeystoreEntry = { address: Address; file: string };

export type Keystore = {
  dir: string;
  /** Generates a new key, stores it encrypted and returns its address. */
  create: (parameters: { password: string; light?: boolean }) => Promise<KeystoreEntry>;
  /** Stores an existing private key encrypted; refuses a key already in the directory. */
  import: (parameters: { privateKey: Hex; password: string; light?: boolean }) => Promise<KeystoreEntry>;
  list: () => KeystoreEntry[];
  /** Decrypts the key of `address` into a signer. */
  load: (address: Address, password: string) => Promise<LocalAccount>;
};

function readEntry(file: string): KeystoreEntry | undefined {
  try {
    const json = JSON.parse(readFileSync(file, "utf8")) as KeystoreV3;
    const fromName = /--([0-9a-fA-F]{40})$/.exec(path.basename(file))?.[1];
    const raw = json.address ?? fromName;
    if (json.version !== 3 || raw === undefined) return undefined;
    return { address: getAddress(`0x${raw.replace(/^0x/, "")}`), file };
  } catch {
    return undefined;
  }
}

/**
 * @example
 * const keys = createKeystore(path.join(dataDir, "keys"));
 * const { address } = await keys.create({ password });
 * const account = await keys.load(address, password);
 */
export function createKeystore(dir: string): Keystore {
  const list = (): KeystoreEntry[] => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return [];
    }
    return names
      .filter((n) => !n.startsWith("."))
      .sort()
      .map((n) => readEntry(path.join(dir, n)))
      .filter((e): e is KeystoreEntry => e !== undefined);
  };

  const store = async (privateKey: Hex, password: string, light: boolean | undefined): Promise<KeystoreEntry> => {
    if (!isHex(privateKey) || privateKey.length !== 66) {
      throw new BaseError("a private key is 32 bytes of hex (0x followed by 64 hex digits)", { code: "KEY_INVALID" });
    }
    if (password.length === 0) {
      throw new BaseError("an empty password protects nothing: choose a password", { code: "KEYSTORE_EMPTY_PASSWORD" });
    }
    const address = privateKeyToAccount(privateKey).address;
    const existing = list().find((e) => e.address === address);
    if (existing) {
      throw new BaseError(`key ${address} is already in the keystore (${existing.file})`, {
        code: "KEYSTORE_EXISTS",
        details: { address, file: existing.file },
      });
    }
    const json = await encryptKeystore({ privateKey, password, light });
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stamp = new Date().toISOString().replace(/:/g, "-");
    const file = path.join(dir, `UTC--${stamp}--${address.slice(2).toLowerCase()}`);
    // Write then rename, so a crash never leaves a half-written key file.
    const tmp = path.join(dir, `.${path.basename(file)}.tmp`);
    writeFileSync(tmp, JSON.stringify(json), { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, file);
    return { address, file };
  };

  return {
    dir,
    create: ({ password, light }) => store(generatePrivateKey(), password, light),
    import: ({ privateKey, password, light }) => store(privateKey, password, light),
    list,
    load: async (address, password) => {
      const wanted = getAddress(address);
      const entry = list().find((e) => e.address === wanted);
      if (!entry) {
        throw new BaseError(`no key for ${wanted} in ${dir}: run \`mai keys list\` to see the stored addresses`, {
          code: "KEYSTORE_NOT_FOUND",
          details: { address: wanted, dir, known: list().map((e) => e.address) },
        });
      }
      const json = JSON.parse(readFileSync(entry.file, "utf8")) as KeystoreV3;
      const account = privateKeyToAccount(await decryptKeystore(json, password));
      if (account.address !== wanted) {
        throw new BaseError(`keystore file ${entry.file} holds ${account.address}, not ${wanted}`, {
          code: "KEYSTORE_INVALID",
        });
      }
      return account;
    },
  };
}
