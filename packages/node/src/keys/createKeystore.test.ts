import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { privateKeyToAddress } from "viem/accounts";
import { BaseError } from "../errors.js";
import { createKeystore } from "./createKeystore.js";
import { loadEnvKeys } from "./loadEnvKeys.js";

const dir = mkdtempSync(path.join(tmpdir(), "mai-keys-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const key = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

test("create / import / list / load round-trip with geth-style private files", async () => {
  const keys = createKeystore(path.join(dir, "node"));
  assert.deepEqual(keys.list(), []);
  const created = await keys.create({ password: "hot", light: true });
  const imported = await keys.import({ privateKey: key, password: "hot2", light: true });
  assert.equal(imported.address, privateKeyToAddress(key));
  assert.match(path.basename(imported.file), new RegExp(`^UTC--.+--${imported.address.slice(2).toLowerCase()}$`));
  assert.equal(statSync(imported.file).mode & 0o777, 0o600);
  assert.equal(JSON.parse(readFileSync(imported.file, "utf8")).version, 3);
  assert.deepEqual(
    keys
      .list()
      .map((e) => e.address)
      .sort(),
    [created.address, imported.address].sort(),
  );
  const account = await keys.load(imported.address, "hot2");
  assert.equal(account.address, imported.address);
  assert.equal((await keys.load(created.address, "hot")).address, created.address);
  await assert.rejects(keys.import({ privateKey: key, password: "x", light: true }), /already in the keystore/);
});

test("load with a wrong password or unknown address fails with a clear, non-retryable error", async () => {
  const keys = createKeystore(path.join(dir, "owner"));
  const { address } = await keys.import({ privateKey: key, password: "cold", light: true });
  await assert.rejects(
    keys.load(address, "warm"),
    (e: unknown) => e instanceof BaseError && e.code === "KEYSTORE_BAD_PASSWORD" && /wrong password/.test(e.message),
  );
  await assert.rejects(keys.load("0x000000000000000000000000000000000000dEaD", "cold"), /no key for/);
  await assert.rejects(keys.create({ password: "" }), /empty password/);
});

test("env keys: node and owner are separate accounts; bad or reused keys are refused", () => {
  const owner = "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a";
  const both = loadEnvKeys({ MAI_NODE_KEY: key, MAI_OWNER_KEY: owner.slice(2) });
  assert.equal(both.node?.address, privateKeyToAddress(key));
  assert.equal(both.owner?.address, privateKeyToAddress(owner));
  assert.deepEqual(loadEnvKeys({}), { node: undefined, owner: undefined });
  assert.throws(() => loadEnvKeys({ MAI_NODE_KEY: "0x1234" }), /MAI_NODE_KEY is not a private key/);
  assert.throws(() => loadEnvKeys({ MAI_NODE_KEY: key, MAI_OWNER_KEY: key }), /same key/);
});
