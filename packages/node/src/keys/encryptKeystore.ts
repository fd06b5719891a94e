import { createCipheriv, randomBytes, randomUUID } from "node:crypto";
import { type Hex, hexToBytes, keccak256 } from "viem";
import { privateKeyToAddress } from "viem/accounts";
import { deriveKeystoreKey } from "./deriveKeystoreKey.js";
import type { KeystoreV3 } from "./keystoreTypes.js";

export type EncryptKeystoreParameters = {
  privateKey: Hex;
  password: string;
  /** geth's "light" scrypt (n = 4096, p = 6): for devnets and tests, not for keys that hold value. */
  light?: boolean;
};

/**
 * Encrypts a private key into a Web3 Secret Storage v3 object with scrypt (geth's standard
 * n = 262144, r = 8, p = 1 unless `light`) and aes-128-ctr, readable by geth, ethers and MetaMask.
 * @example const json = await encryptKeystore({ privateKey, password });
 */
export async function encryptKeystore(parameters: EncryptKeystoreParameters): Promise<KeystoreV3> {
  const { privateKey, password, light = false } = parameters;
  const salt = randomBytes(32).toString("hex");
  const iv = randomBytes(16);
  const kdfparams = light ? { dklen: 32, n: 4096, r: 8, p: 6, salt } : { dklen: 32, n: 262144, r: 8, p: 1, salt };
  const crypto = {
    cipher: "aes-128-ctr" as const,
    cipherparams: { iv: iv.toString("hex") },
    ciphertext: "",
    kdf: "scrypt" as const,
    kdfparams,
    mac: "",
  };
  const derived = await deriveKeystoreKey(password, crypto);
  const cipher = createCipheriv("aes-128-ctr", derived.subarray(0, 16), iv);
  const ciphertext = Buffer.concat([cipher.update(hexToBytes(privateKey)), cipher.final()]);
  crypto.ciphertext = ciphertext.toString("hex");
  crypto.mac = keccak256(Buffer.concat([derived.subarray(16, 32), ciphertext])).slice(2);
  return {
    version: 3,
    id: randomUUID(),
    address: privateKeyToAddress(privateKey).slice(2).toLowerCase(),
    crypto,
  };
}
