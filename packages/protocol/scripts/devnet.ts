/**
 * The interim `npm start`: a fresh local anvil (mining a block every second, so no transaction
 * decides its own audit seed) with the protocol deployed on devnet parameters. Prints the RPC
 * URL and the addresses, then keeps the chain up until Ctrl-C. The node and the miners join it
 * in the devnet of the node issue.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type Hex, parseEther } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { deployProtocol } from "../src/deploy/deployProtocol.js";
import { startAnvil } from "../src/testing/startAnvil.js";

// anvil's well-known development keys (public; never use them on a real network)
const DEPLOYER_KEY: Hex = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const FAUCET_KEY: Hex = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

const anvil = await startAnvil({ args: ["--block-time", "1"] });
let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await anvil.stop();
  process.exit(0);
}
process.on("SIGINT", stop);
process.on("SIGTERM", stop);

try {
  const outDir = mkdtempSync(path.join(tmpdir(), "mai-devnet-"));
  const faucet = privateKeyToAccount(FAUCET_KEY).address;
  const deployment = await deployProtocol({
    rpcUrl: anvil.rpcUrl,
    deployerKey: DEPLOYER_KEY,
    preset: "devnet",
    genesis: [{ address: faucet, amount: parseEther("100000000") }],
    outDir,
    onProgress: (m) => console.error(`  ${m}`),
  });
  console.log(`\nmAIToken devnet is up (chain ${deployment.chainId})`);
  console.log(`  RPC          ${anvil.rpcUrl}`);
  for (const [name, address] of Object.entries(deployment.contracts)) console.log(`  ${name.padEnd(12)} ${address}`);
  console.log(`  faucet       ${faucet} (100,000,000 MAI; anvil dev key #1)`);
  console.log(`  deployment   ${path.join(outDir, `${deployment.chainId}.json`)}`);
  console.log("\nPress Ctrl-C to stop.");
} catch (error) {
  console.error(`devnet failed: ${error instanceof Error ? error.message : String(error)}`);
  await anvil.stop();
  process.exit(1);
}
