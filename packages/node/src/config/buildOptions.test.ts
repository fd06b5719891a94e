import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { BaseError } from "../errors.js";
import { buildOptions } from "./buildOptions.js";

const key = `0x${"11".repeat(32)}`;
const base = { rpcUrl: "http://127.0.0.1:8545", deploymentDir: "deployments", dataDir: "data", nodeKey: key };

test("flags beat env, env beats the config file, the file beats defaults", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "mai-opts-"));
  const file = path.join(dir, "node.yaml");
  writeFileSync(file, "rpcUrl: http://file:1\nroles: [auditor]\nhttpPort: 7000\nmaxConcurrentWork: 3\ndataDir: ./d\n");
  const options = buildOptions({
    flags: { config: file, roles: "miner,keeper", deploymentDir: "dep", nodeKey: key },
    env: { MAI_RPC_URL: "http://env:2", MAI_HTTP_PORT: "7001" },
  });
  assert.deepEqual(options.roles, ["miner", "keeper"]);
  assert.equal(options.rpcUrl, "http://env:2");
  assert.equal(options.httpPort, 7001);
  assert.equal(options.maxConcurrentWork, 3);
  assert.equal(options.dataDir, path.join(dir, "d"), "relative paths in the file are relative to the file");
  assert.equal(options.confirmations, 2, "events are recorded two blocks deep by default");
  assert.equal(options.staleHeadSeconds, 300);
  assert.equal(options.minPricePerCU, 0n);
});

test("bad values are reported by field name", () => {
  assert.throws(
    () => buildOptions({ flags: { ...base, roles: "miner,baker", httpPort: "99999" }, env: {} }),
    (e: unknown) =>
      e instanceof BaseError && /roles\.1/.test(e.message) && /httpPort/.test(e.message) && e.code === "CONFIG_INVALID",
  );
  assert.throws(
    () => buildOptions({ flags: { ...base, nodeKey: undefined, roles: "miner" }, env: {} }),
    /nodeKey: no node key/,
  );
  assert.throws(() => buildOptions({ flags: { ...base, roles: "miner", nodeKey: "0x12" }, env: {} }), /nodeKey/);
});

test("a missing or malformed config file is a clear error", () => {
  assert.throws(
    () => buildOptions({ flags: { config: "/nonexistent/node.yaml" }, env: {} }),
    /cannot read the config file/,
  );
  const dir = mkdtempSync(path.join(tmpdir(), "mai-opts-"));
  const file = path.join(dir, "bad.yaml");
  writeFileSync(file, "- just\n- a list\n");
  assert.throws(() => buildOptions({ flags: { config: file }, env: {} }), /must hold a mapping/);
});

test("blob gc options: defaults, environment, and range checks", () => {
  const defaults = buildOptions({
    flags: { ...base, roles: "keeper" },
    env: {},
  });
  assert.equal(defaults.blobGcIntervalMinutes, 30);
  assert.equal(defaults.blobGcGraceMinutes, 1440);
  const fromEnv = buildOptions({
    flags: { ...base, roles: "keeper" },
    env: { MAI_BLOB_GC_INTERVAL_MINUTES: "0", MAI_BLOB_GC_GRACE_MINUTES: "90" },
  });
  assert.equal(fromEnv.blobGcIntervalMinutes, 0, "0 turns gc off");
  assert.equal(fromEnv.blobGcGraceMinutes, 90);
  assert.throws(
    () =>
      buildOptions({
        flags: { ...base, roles: "keeper", blobGcGraceMinutes: 0 },
        env: {},
      }),
    /blobGcGraceMinutes/,
  );
  assert.throws(
    () =>
      buildOptions({
        flags: { ...base, roles: "keeper", blobGcIntervalMinutes: -5 },
        env: {},
      }),
    /blobGcIntervalMinutes/,
  );
});

test("stale-head pause: environment sets it, 0 turns it off, out of range is refused", () => {
  const fromEnv = buildOptions({ flags: { ...base, roles: "miner" }, env: { MAI_STALE_HEAD_SECONDS: "0" } });
  assert.equal(fromEnv.staleHeadSeconds, 0);
  assert.throws(
    () => buildOptions({ flags: { ...base, roles: "miner" }, env: { MAI_STALE_HEAD_SECONDS: "-5" } }),
    /staleHeadSeconds/,
  );
});
