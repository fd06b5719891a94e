#!/usr/bin/env node
// A solc executable for forge, backed by the solc npm package (solc-js), so that contracts
// compile with no compiler download. forge only asks for `--version` and `--standard-json`.
import { readFileSync, existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);
const solc = require("solc");

const args = process.argv.slice(2);
if (args.includes("--version")) {
  process.stdout.write(`solc, the solidity compiler commandline interface\nVersion: ${solc.version()}\n`);
  process.exit(0);
}
if (!args.includes("--standard-json")) {
  process.stderr.write("this solc wrapper supports only --version and --standard-json\n");
  process.exit(2);
}

// forge passes --base-path / --include-path / --allow-paths; imports resolve against them.
const roots = [process.cwd()];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--base-path" || args[i] === "--include-path") roots.push(path.resolve(args[i + 1]));
}

function findImports(importPath) {
  for (const root of roots) {
    const candidate = path.resolve(root, importPath);
    if (existsSync(candidate)) return { contents: readFileSync(candidate, "utf8") };
  }
  return { error: `File not found: ${importPath}` };
}

const input = readFileSync(0, "utf8");
process.stdout.write(solc.compile(input, { import: findImports }));
