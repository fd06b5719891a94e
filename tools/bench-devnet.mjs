#!/usr/bin/env node
// `npm run bench:devnet`: a headless devnet with 2 honest miners running one inference job end to end
// (after the small training job that produces its model). useful_fraction is the miners' time inside
// the runtime (their own units and the audits they ran) over their wall time while the inference job
// was on chain (from its creation until every batch is final); primary_fraction counts their own
// units only. Prints one JSON object per line:
//   {"metric":"e2e","units":N,"seconds":S,"useful_fraction":f}   {"metric":"e2e_primary_fraction","value":p}
//   {"metric":"node_peak_rss_mb","value":X}
import { spawnSync } from "node:child_process";
import path from "node:path";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
// The inference job is heavy enough that protocol latency (1 s blocks, commit, reveal, audits)
// weighs less beside the work: a conv net (3x3 convs of 96 and 384 filters) over the whole train
// split, 250 images per unit (about 20 GFLOP each). Its 2-chain training job is short (4 steps of 16
// images per chain): the engine keeps a whole minibatch's activations for backprop, so training is
// where a node's memory peaks.
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
  "4",
  "--batch-size",
  "16",
  "--conv",
  "96,384",
  "--hidden",
  "64",
  "--infer-split",
  "train",
  "--infer-items",
  "7996",
  "--items-per-unit",
  "250",
  "--min-audit-bps",
  "0",
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
console.log(
  JSON.stringify({
    metric: "e2e",
    units: summary.unitsAccepted,
    seconds: summary.seconds,
    useful_fraction: summary.usefulFraction,
  }),
);
console.log(JSON.stringify({ metric: "e2e_primary_fraction", value: summary.primaryFraction }));
console.log(JSON.stringify({ metric: "node_peak_rss_mb", value: summary.peakRssMb }));
