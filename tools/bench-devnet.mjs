#!/usr/bin/env node
// `npm run bench:devnet`: a headless devnet with 2 honest miners running one inference job end to end
// (after the small training job that produces its model). Prints one JSON object per line:
//   {"metric":"e2e","units":N,"seconds":S,"useful_fraction":f}   and   {"metric":"node_peak_rss_mb","value":X}
import { spawnSync } from "node:child_process";
import path from "node:path";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const args = [
  path.join(root, "packages/cli/bin/mai.mjs"),
  "devnet",
  "--headless",
  "--exit-after-jobs",
  "2",
  "--nodes",
  "2",
  "--chains",
  "2",
  "--units-per-chain",
  "1",
  "--steps",
  "40",
  "--hidden",
  "32",
  "--infer-items",
  "2000",
  "--items-per-unit",
  "250",
];
const run = spawnSync(process.execPath, args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
const last = run.stdout.trim().split("\n").at(-1) ?? "";
let summary;
try {
  summary = JSON.parse(last);
} catch {
  console.error(`bench:devnet: the devnet did not print its summary (exit ${run.status})`);
  process.exit(1);
}
console.log(JSON.stringify({ metric: "e2e", units: summary.unitsAccepted, seconds: summary.seconds, useful_fraction: summary.usefulFraction }));
console.log(JSON.stringify({ metric: "node_peak_rss_mb", value: summary.peakRssMb }));
