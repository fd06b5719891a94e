#!/usr/bin/env node
// `npm start` = `mai devnet`: the whole local network (anvil, protocol, miner nodes, a requester posting
// MNIST jobs, live view). Extra arguments go to `mai devnet`, e.g. `npm start -- --cheaters 1`.
import { spawn } from "node:child_process";
import path from "node:path";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const child = spawn(process.execPath, [path.join(root, "packages/cli/bin/mai.mjs"), "devnet", ...process.argv.slice(2)], {
  stdio: "inherit",
  cwd: root,
});
// The devnet handles SIGINT itself (it stops every node and the chain); forward what we receive.
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code) => process.exit(code ?? 1));
