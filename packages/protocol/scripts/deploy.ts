/**
 * `npm run deploy -- --rpc URL [--preset devnet|production] [--out DIR] [--chain-id N] [--replace]
 *  [--genesis ADDRESS=MAI ...]`; the deployer key comes from MAI_DEPLOYER_KEY (never a flag, so it
 * stays out of shell history).
 */
import { parseArgs } from "node:util";
import { type Address, type Hex, isAddress, isHex, parseEther } from "viem";
import { DeployError, deployProtocol } from "../src/deploy/deployProtocol.js";

const usage = `usage: MAI_DEPLOYER_KEY=0x... npm run deploy -- --rpc URL [options]
  --rpc URL               JSON-RPC endpoint of the target chain (required)
  --preset NAME           devnet | production (default production)
  --out DIR               where <chainId>.json is written (default deployments)
  --chain-id N            refuse unless the RPC reports this chain id
  --genesis ADDR=MAI      genesis allocation, repeatable (e.g. a faucet: 0xabc...=100000000)
  --replace               archive an existing deployment record for this chain and deploy again`;

function fail(message: string): never {
  console.error(`error: ${message}`);
  process.exit(1);
}

const { values } = parseArgs({
  options: {
    rpc: { type: "string" },
    preset: { type: "string", default: "production" },
    out: { type: "string", default: "deployments" },
    "chain-id": { type: "string" },
    genesis: { type: "string", multiple: true, default: [] },
    replace: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (values.help) {
  console.log(usage);
  process.exit(0);
}
if (!values.rpc) fail(`--rpc is required\n${usage}`);
if (values.preset !== "devnet" && values.preset !== "production") fail(`--preset must be devnet or production, got ${values.preset}`);
const key = process.env.MAI_DEPLOYER_KEY;
if (!key || !isHex(key) || key.length !== 66) fail("set MAI_DEPLOYER_KEY to the deployer's 32-byte private key (0x + 64 hex digits)");
const genesis = (values.genesis ?? []).map((entry) => {
  const [address, mai] = entry.split("=");
  if (!address || !isAddress(address) || !mai || !/^\d+(\.\d+)?$/.test(mai)) fail(`--genesis expects ADDRESS=MAI, got ${entry}`);
  return { address: address as Address, amount: parseEther(mai) };
});

try {
  const deployment = await deployProtocol({
    rpcUrl: values.rpc,
    deployerKey: key as Hex,
    preset: values.preset,
    genesis,
    outDir: values.out ?? "deployments",
    expectedChainId: values["chain-id"] ? Number(values["chain-id"]) : undefined,
    replace: values.replace,
    onProgress: (m) => console.error(m),
  });
  console.log(JSON.stringify({ chainId: deployment.chainId, block: deployment.block, ...deployment.contracts }));
} catch (error) {
  if (error instanceof DeployError) fail(error.message);
  throw error;
}
