import assert from "node:assert/strict";
import { test } from "node:test";
import { privateKeyToAddress } from "viem/accounts";
import { BaseError } from "../errors.js";
import { decryptKeystore } from "./decryptKeystore.js";
import { encryptKeystore } from "./encryptKeystore.js";
import type { KeystoreV3 } from "./keystoreTypes.js";

// The two test vectors published with the Web3 Secret Storage definition (password "testpassword").
const expectedKey = "0x7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d";
const scryptVector: KeystoreV3 = {
  version: 3,
  id: "3198bc9c-6672-5ab3-d995-4942343ae5b6",
  crypto: {
    cipher: "aes-128-ctr",
    cipherparams: { iv: "83dbcc02d8ccb40e466191a123791e0e" },
    ciphertext: "d172bf743a674da9cdad04534d56926ef8358534d458fffccd4e6ad2fbde479c",
    kdf: "scrypt",
    kdfparams: {
      dklen: 32,
      n: 262144,
      p: 8,
      r: 1,
      salt: "ab0c7876052600dd703518d6fc3fe8984592145b591fc8fb5c6d43190334ba19",
    },
    mac: "2103ac29920d71da29f15d75b4a16dbe95cfd7ff8faea1056c33131d846e3097",
  },
};
const pbkdf2Vector: KeystoreV3 = {
  version: 3,
  id: "3198bc9c-6672-5ab3-d995-4942343ae5b6",
  crypto: {
    cipher: "aes-128-ctr",
    cipherparams: { iv: "6087dab2f9fdbbfaddc31a909735c1e6" },
    ciphertext: "5318b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa46",
    kdf: "pbkdf2",
    kdfparams: {
      c: 262144,
      dklen: 32,
      prf: "hmac-sha256",
      salt: "ae3cd4e7013836a3df6bd7241b12db061dbe2c6785853cce422d148a624ce0bd",
    },
    mac: "517ead924a9d0dc3124507e3393d175ce3ff7c1e96529c6c555ce9e51205e9b2",
  },
};

test("decrypts the published scrypt and pbkdf2 test vectors", async () => {
  assert.equal(await decryptKeystore(scryptVector, "testpassword"), expectedKey);
  assert.equal(await decryptKeystore(pbkdf2Vector, "testpassword"), expectedKey);
});

test("a wrong password is reported as such (MAC mismatch), not as a wrong key", async () => {
  await assert.rejects(
    decryptKeystore(pbkdf2Vector, "testpassword!"),
    (e: unknown) => e instanceof BaseError && e.code === "KEYSTORE_BAD_PASSWORD" && !e.retryable,
  );
});

test("encrypt then decrypt round-trips, with fresh salt and iv each time", async () => {
  const one = await encryptKeystore({ privateKey: expectedKey, password: "pw", light: true });
  const two = await encryptKeystore({ privateKey: expectedKey, password: "pw", light: true });
  assert.notEqual(one.crypto.ciphertext, two.crypto.ciphertext);
  assert.equal(one.address, privateKeyToAddress(expectedKey).slice(2).toLowerCase());
  assert.equal(await decryptKeystore(one, "pw"), expectedKey);
  assert.equal(await decryptKeystore(JSON.parse(JSON.stringify(two)), "pw"), expectedKey);
});
