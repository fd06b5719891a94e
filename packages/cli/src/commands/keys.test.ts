import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { findRepoRoot } from "@maitoken/protocol";

const root = findRepoRoot();
const mai = (args: string[], env: Record<string, string>) =>
  spawnSync(process.execPath, [path.join(root, "packages/cli/bin/mai.mjs"), "keys", ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: "utf8",
  });

test("mai keys import then list shows the address; a missing password exits 1 and writes nothing", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "mai-keys-"));
  // anvil's public development key #1
  const key = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
  const noPassword = mai(["import", "--dir", dir, "--light"], { MAI_IMPORT_KEY: key, MAI_KEYSTORE_PASSWORD: "" });
  assert.equal(noPassword.status, 1);
  assert.match(noPassword.stderr, /set MAI_KEYSTORE_PASSWORD/);
  const imported = mai(["import", "--dir", dir, "--light"], { MAI_IMPORT_KEY: key, MAI_KEYSTORE_PASSWORD: "pw" });
  assert.equal(imported.status, 0, imported.stderr);
  const listed = mai(["list", "--dir", dir], {});
  assert.equal(listed.status, 0, listed.stderr);
  assert.equal(listed.stdout.trim().split("\n").length, 1);
  assert.match(listed.stdout, /^0x70997970C51812dc3A010C7d01b50e0d17dc79C8 /);
});
