import assert from "node:assert/strict";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { type Hex, createPublicClient, http, parseEther } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { loadDeployment } from "../deployments.js";
import { jobMarketAbi, maiTokenAbi, nodeRegistryAbi, protocolConfigAbi } from "../index.js";
import { type StartAnvilReturnType, startAnvil } from "../testing/startAnvil.js";
import { DeployError, deployProtocol } from "./deployProtocol.js";

// anvil's public development keys
const DEPLOYER: Hex = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const FAUCET = privateKeyToAccount("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d").address;

let anvil: StartAnvilReturnType;
before(async () => {
  anvil = await startAnvil();
});
after(async () => {
  await anvil?.stop();
});

const base = () => ({
  rpcUrl: anvil.rpcUrl,
  deployerKey: DEPLOYER,
  preset: "devnet" as const,
  genesis: [{ address: FAUCET, amount: parseEther("1000000") }],
});

test("deploys, wires and records the protocol; a second deploy needs replace", async () => {
  const outDir = mkdtempSync(path.join(tmpdir(), "mai-deploy-"));
  const deployment = await deployProtocol({ ...base(), outDir });
  const client = createPublicClient({ transport: http(anvil.rpcUrl) });

  assert.deepEqual(loadDeployment(31337, outDir).contracts, deployment.contracts);
  const { contracts } = deployment;
  assert.equal(
    await client.readContract({ address: contracts.token, abi: maiTokenAbi, functionName: "minter" }),
    contracts.rewardEngine,
  );
  assert.equal(
    await client.readContract({
      address: contracts.token,
      abi: maiTokenAbi,
      functionName: "balanceOf",
      args: [FAUCET],
    }),
    parseEther("1000000"),
  );
  assert.equal(
    await client.readContract({ address: contracts.registry, abi: nodeRegistryAbi, functionName: "market" }),
    contracts.jobMarket,
  );
  assert.equal(
    await client.readContract({ address: contracts.jobMarket, abi: jobMarketAbi, functionName: "nextJobId" }),
    1n,
  );
  assert.equal(deployment.parameters.market.committeeSize, 1n, "devnet preset: committee of one");

  await assert.rejects(
    deployProtocol({ ...base(), outDir }),
    (e: unknown) => e instanceof DeployError && /already records a deployment/.test(e.message),
  );
  const again = await deployProtocol({ ...base(), outDir, replace: true });
  assert.notEqual(again.contracts.token, contracts.token);
  assert.equal(
    readdirSync(outDir).filter((f) => f.startsWith("31337.replaced-")).length,
    1,
    "the old record is archived, not lost",
  );
});

test("refuses the wrong chain, an unreachable RPC and a genesis above the cap, writing nothing", async () => {
  const outDir = mkdtempSync(path.join(tmpdir(), "mai-deploy-"));
  await assert.rejects(
    deployProtocol({ ...base(), outDir, expectedChainId: 1 }),
    /is chain 31337, not the expected chain 1/,
  );
  await assert.rejects(deployProtocol({ ...base(), outDir, rpcUrl: "http://127.0.0.1:9" }), /cannot reach the RPC/);
  await assert.rejects(
    deployProtocol({ ...base(), outDir, genesis: [{ address: FAUCET, amount: parseEther("500000000") }] }),
    /exceeds the cap/,
  );
  assert.deepEqual(readdirSync(outDir), []);
});

test("parameter overrides go through the timelock before the record is written; they need a zero delay", async () => {
  const outDir = mkdtempSync(path.join(tmpdir(), "mai-deploy-"));
  await assert.rejects(
    deployProtocol({ ...base(), outDir, overrides: { minLeaseDuration: 60n } }),
    (e: unknown) => e instanceof DeployError && /need timelockDelay 0/.test(e.message),
  );
  assert.deepEqual(readdirSync(outDir), [], "refused before deploying anything");
  const deployment = await deployProtocol({
    ...base(),
    outDir,
    timelockDelay: 0,
    overrides: { minLeaseDuration: 60n },
  });
  const client = createPublicClient({ transport: http(anvil.rpcUrl) });
  const market = await client.readContract({
    address: deployment.contracts.config,
    abi: protocolConfigAbi,
    functionName: "marketParams",
  });
  assert.equal(market.minLeaseDuration, 60, "set on chain");
  assert.equal(deployment.parameters.market.minLeaseDuration, 60n, "and in the record");
  assert.equal(deployment.parameters.market.committeeSize, 1n, "the rest is the preset");
  await assert.rejects(
    deployProtocol({ ...base(), outDir, replace: true, timelockDelay: 0, overrides: { minLeaseDuration: 0n } }),
    (e: unknown) =>
      e instanceof DeployError &&
      /the override minLeaseDuration = 0 is refused by ProtocolConfig: ParameterOutOfBounds/.test(e.message),
  );
});
