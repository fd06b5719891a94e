import { pbkdf2, scrypt } from "node:crypto";
import { scryptAsync } from "@noble/hashes/scrypt";
import { BaseError } from "../errors.js";
import type { KeystoreV3, Pbkdf2Params, ScryptParams } from "./keystoreTypes.js";

/**
 * Runs the file's key-derivation function on the password (off the main thread: node's scrypt and
 * pbkdf2 use the libuv pool, so a daemon keeps answering while a 256 MiB scrypt runs).
 */
export function deriveKeystoreKey(password: string, crypto: KeystoreV3["crypto"]): Promise<Buffer> {
  const secret = Buffer.from(password.normalize("NFKC"), "utf8");
  if (crypto.kdf === "scrypt") {
    const { n, r, p, dklen, salt } = crypto.kdfparams as ScryptParams;
    if (!Number.isInteger(n) || n < 2 || (n & (n - 1)) !== 0 || dklen < 32) {
      throw new BaseError("keystore file has invalid scrypt parameters", {
        details: { n, dklen },
        code: "KEYSTORE_INVALID",
      });
    }
    const saltBytes = Buffer.from(salt, "hex");
    // OpenSSL refuses n >= 2^(16 r) (the spec's own test vector has r = 1); those go to a pure-JS scrypt.
    if (Math.log2(n) >= 16 * r) {
      return scryptAsync(secret, saltBytes, { N: n, r, p, dkLen: dklen, maxmem: 2 ** 31 }).then((k) => Buffer.from(k));
    }
    return new Promise((resolve, reject) =>
      scrypt(secret, saltBytes, dklen, { N: n, r, p, maxmem: 128 * n * r * (p + 1) + 16 * 1024 * 1024 }, (e, key) =>
        e ? reject(e) : resolve(key),
      ),
    );
  }
  if (crypto.kdf === "pbkdf2") {
    const { c, dklen, prf, salt } = crypto.kdfparams as Pbkdf2Params;
    if (prf !== "hmac-sha256" || dklen < 32) {
      throw new BaseError("keystore file uses an unsupported pbkdf2 setting", {
        details: { prf },
        code: "KEYSTORE_INVALID",
      });
    }
    return new Promise((resolve, reject) =>
      pbkdf2(secret, Buffer.from(salt, "hex"), c, dklen, "sha256", (e, key) => (e ? reject(e) : resolve(key))),
    );
  }
  throw new BaseError(`keystore file uses an unsupported kdf "${String(crypto.kdf)}"`, { code: "KEYSTORE_INVALID" });
}
