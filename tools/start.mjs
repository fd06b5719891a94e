#!/usr/bin/env node
// `npm start`: runs the devnet through tsx so TypeScript sources need no build step.
import { spawn } from "node:child_process";
import path from "node:path";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "packages/protocol/scripts/devnet.ts"), ...process.argv.slice(2)], {
  stdio: "inherit",
  cwd: root,
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code) => process.exit(code ?? 1));
