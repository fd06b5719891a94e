import { createDecipheriv } from "node:crypto";
import { bytesToHex, type Hex, keccak256 } from "viem";
import { BaseError } from "../errors.js";
import { deriveKeystoreKey } from "./deriveKeystoreKey.js";
import type { KeystoreV3 } from "./keystoreTypes.js";

/**
 * Decrypts a Web3 Secret Storage v3 file to its private key. The MAC (keccak256 of the second half
 * of the derived key and the ciphertext) is checked before decrypting, so a wrong password is
 * reported as such instead of yielding a wrong key.
 * @example const key = await decryptKeystore(JSON.parse(readFileSync(file, "utf8")), password);
 */
export async function decryptKeystore(keystore: KeystoreV3, password: string): Promise<Hex> {
  if (keystore?.version !== 3 || typeof keystore.crypto !== "object") {
    throw new BaseError("not a Web3 Secret Storage v3 keystore file", { code: "KEYSTORE_INVALID" });
  }
  const { crypto } = keystore;
  if (crypto.cipher !== "aes-128-ctr") {
    throw new BaseError(`keystore cipher "${crypto.cipher}" is not supported (only aes-128-ctr)`, {
      code: "KEYSTORE_INVALID",
    });
  }
  const derived = await deriveKeystoreKey(password, crypto);
  const ciphertext = Buffer.from(crypto.ciphertext, "hex");
  const mac = keccak256(Buffer.concat([derived.subarray(16, 32), ciphertext]));
  if (mac.slice(2) !== crypto.mac.toLowerCase().replace(/^0x/, "")) {
    throw new BaseError("wrong password for this keystore: check the password (or the file) and try again", {
      code: "KEYSTORE_BAD_PASSWORD",
      details: { address: keystore.address },
    });
  }
  const decipher = createDecipheriv("aes-128-ctr", derived.subarray(0, 16), Buffer.from(crypto.cipherparams.iv, "hex"));
  const key = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  return bytesToHex(key);
}
