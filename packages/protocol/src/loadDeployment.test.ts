import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { DeploymentError, loadDeployment } from "./loadDeployment.js";
import { saveDeployment } from "./saveDeployment.js";

const dir = mkdtempSync(path.join(tmpdir(), "mai-deployments-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const lower = (n: number) => `0x${n.toString(16).padStart(40, "0")}`;
const valid = {
  chainId: 31337,
  block: 3,
  addresses: {
    maiToken: "0x5fbdb2315678afecb367f032d93f642f64180aa3",
    protocolConfig: lower(2),
    nodeRegistry: lower(3),
    rewardEngine: lower(4),
    jobMarket: lower(5),
    randomness: lower(6),
    timelock: lower(7),
  },
  parameters: { epochLength: 10, e0: "1000000000000000000000", devnet: true },
};

test("saveDeployment then loadDeployment round-trips with checksummed addresses", () => {
  const file = saveDeployment(valid, dir);
  assert.equal(file, path.join(dir, "31337.json"));
  const d = loadDeployment(31337, dir);
  assert.equal(d.addresses.maiToken, "0x5FbDB2315678afecb367f032d93F642f64180aa3");
  assert.equal(d.block, 3);
  assert.equal(d.parameters.e0, "1000000000000000000000");
  assert.equal(JSON.parse(readFileSync(file, "utf8")).addresses.maiToken, d.addresses.maiToken);
});

test("a missing file says which file and what to do", () => {
  assert.throws(
    () => loadDeployment(999, dir),
    (err: unknown) => err instanceof DeploymentError && /999\.json/.test(err.message) && /deploy first/.test(err.message),
  );
});

test("invalid JSON, invalid fields and a wrong chain id are rejected with the offending path", () => {
  writeFileSync(path.join(dir, "1.json"), "{ not json");
  assert.throws(() => loadDeployment(1, dir), /not valid JSON/);
  writeFileSync(path.join(dir, "2.json"), JSON.stringify({ ...valid, chainId: 2, addresses: { ...valid.addresses, jobMarket: "0x12" } }));
  assert.throws(() => loadDeployment(2, dir), /addresses\.jobMarket/);
  writeFileSync(path.join(dir, "3.json"), JSON.stringify(valid));
  assert.throws(() => loadDeployment(3, dir), /for chain 31337, not 3/);
});
