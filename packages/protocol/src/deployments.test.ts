import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import {
  DeploymentError,
  type DeploymentFile,
  deploymentSchema,
  loadDeployment,
  serializeDeployment,
} from "./deployments.js";

const dir = mkdtempSync(path.join(tmpdir(), "mai-deployments-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const addr = (n: number) => `0x${n.toString(16).padStart(40, "0")}`;
const file: DeploymentFile = {
  chainId: 31337,
  preset: "devnet",
  deployer: "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266",
  block: 3,
  genesisTime: 1_700_000_000,
  epochLength: 10,
  timelockDelay: 60,
  miningPool: "600000000000000000000000000",
  genesis: [{ address: addr(9), amount: "100000000000000000000000000" }],
  contracts: {
    token: "0x5fbdb2315678afecb367f032d93f642f64180aa3",
    timelock: addr(2),
    config: addr(3),
    registry: addr(4),
    rewardEngine: addr(5),
    randomness: addr(6),
    jobMarket: addr(7),
    jobMarketAudits: addr(8),
    jobMarketDisputes: addr(9),
  },
  parameters: { registry: { repStart: 2000 }, market: { sortitionK: 3 }, reward: { e0: "1000000000000000000000" } },
};

function write(name: string, value: unknown): void {
  writeFileSync(path.join(dir, name), typeof value === "string" ? value : JSON.stringify(value));
}

test("loadDeployment validates, checksums addresses and parses amounts as bigint", () => {
  write("31337.json", file);
  const d = loadDeployment(31337, dir);
  assert.equal(d.contracts.token, "0x5FbDB2315678afecb367f032d93F642f64180aa3");
  assert.equal(d.deployer, "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
  assert.equal(d.miningPool, 600_000_000n * 10n ** 18n);
  assert.equal(d.parameters.reward.e0, 1000n * 10n ** 18n);
  assert.equal(d.parameters.registry.repStart, 2000n);
  // the serialized form reads back to the same value
  write("31337.json", serializeDeployment(d));
  assert.deepEqual(loadDeployment(31337, dir), d);
  assert.deepEqual(deploymentSchema.parse(JSON.parse(serializeDeployment(d))), d);
});

test("a missing file names the file and says what to do", () => {
  assert.throws(
    () => loadDeployment(999, dir),
    (err: unknown) =>
      err instanceof DeploymentError && err.file.endsWith("999.json") && /deploy first/.test(err.message),
  );
});

test("bad JSON, every invalid field and a wrong chain id are reported", () => {
  write("1.json", "{ not json");
  assert.throws(() => loadDeployment(1, dir), /not valid JSON/);
  write("2.json", { ...file, chainId: 2, miningPool: "-5", contracts: { ...file.contracts, jobMarket: "0x12" } });
  assert.throws(
    () => loadDeployment(2, dir),
    (err: unknown) => {
      assert.ok(err instanceof DeploymentError);
      assert.match(err.message, /contracts\.jobMarket/);
      assert.match(err.message, /miningPool/);
      return true;
    },
  );
  write("3.json", file);
  assert.throws(() => loadDeployment(3, dir), /records chain 31337, not 3/);
});
