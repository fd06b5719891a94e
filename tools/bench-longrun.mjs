#!/usr/bin/env node
// `npm run bench:longrun [-- JOBS] [--gc-minutes M]`: a headless devnet with 2 honest miners that runs
// one small training job and then JOBS - 1 small inference jobs one after another (default JOBS = 60;
// each job over its own slice of the test split, its results fetched and proved by the requester).
// After each job the devnet reads the miners' resident memory, V8 heap in use and blob count from their
// /metrics. `--gc-minutes M` runs the miners' blob GC every M minutes with a grace of M minutes (the
// default is every 30 minutes with a 24 h grace), so that the grace expires within the run and the
// blob store's bound shows. Prints one JSON object per line:
//   {"metric":"node_memory","job":k,"rss_mb":X,"heap_mb":Y,"blobs":B}  one per job (the larger of the 2 miners)
//   {"metric":"node_memory_growth","jobs":N,"rss_first_mb":..,"rss_last_mb":..,"heap_first_mb":..,
//    "heap_last_mb":..,"heap_kb_per_job":s}   over the inference jobs: first/last are medians over the
//    first and the last quarter of them; heap_kb_per_job is the least-squares slope of the heap over
//    the second half
//   {"metric":"node_blob_store","jobs":N,"gc_minutes":M,"blobs_first":..,"blobs_last":..,"blobs_max":..}
//    blobs held over the inference jobs (first/last: medians over the first and the last quarter)
//   {"metric":"node_peak_rss_mb","value":X}
import { spawnSync } from "node:child_process";
import path from "node:path";
import { parseArgs } from "node:util";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const usage = "usage: npm run bench:longrun [-- JOBS] [--gc-minutes M]  (JOBS an integer >= 8, M an integer >= 1)";
let cli;
try {
  cli = parseArgs({ allowPositionals: true, options: { "gc-minutes": { type: "string" } } });
} catch (error) {
  console.error(`bench:longrun: ${error.message}\n${usage}`);
  process.exit(2);
}
const jobs = Number(cli.positionals[0] ?? 60);
const gcMinutes = cli.values["gc-minutes"] === undefined ? undefined : Number(cli.values["gc-minutes"]);
if (
  !Number.isInteger(jobs) ||
  jobs < 8 ||
  (gcMinutes !== undefined && !(Number.isInteger(gcMinutes) && gcMinutes >= 1))
) {
  console.error(`bench:longrun: ${usage}`);
  process.exit(2);
}
const args = [
  path.join(root, "packages/cli/bin/mai.mjs"),
  "devnet",
  "--headless",
  "--exit-after-jobs",
  String(jobs),
  "--nodes",
  "2",
  "--chains",
  "1",
  "--units-per-chain",
  "1",
  "--steps",
  "4",
  "--batch-size",
  "16",
  "--infer-items",
  "500",
  "--items-per-unit",
  "250",
];
// The devnet's nodes inherit its environment.
const env =
  gcMinutes === undefined
    ? process.env
    : { ...process.env, MAI_BLOB_GC_INTERVAL_MINUTES: String(gcMinutes), MAI_BLOB_GC_GRACE_MINUTES: String(gcMinutes) };
const run = spawnSync(process.execPath, args, {
  cwd: root,
  env,
  encoding: "utf8",
  stdio: ["ignore", "pipe", "inherit"],
});
let summary;
try {
  summary = JSON.parse(run.stdout.trim().split("\n").at(-1) ?? "");
} catch {
  console.error(`bench:longrun: the devnet did not print its summary (exit ${run.status})`);
  process.exit(1);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const slope = (ys) => {
  const n = ys.length;
  const mx = (n - 1) / 2;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  ys.forEach((y, x) => {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  });
  return den === 0 ? 0 : num / den;
};

summary.rssMbByJob.forEach((r, i) => {
  console.log(
    JSON.stringify({
      metric: "node_memory",
      job: i + 1,
      rss_mb: r,
      heap_mb: summary.heapMbByJob[i],
      blobs: summary.blobsByJob[i],
    }),
  );
});
// The figures below leave out job 1, the training job (a node's memory peaks in training).
const rss = summary.rssMbByJob.slice(1);
const heap = summary.heapMbByJob.slice(1);
const quarter = Math.max(1, Math.floor(rss.length / 4));
console.log(
  JSON.stringify({
    metric: "node_memory_growth",
    jobs: rss.length,
    rss_first_mb: median(rss.slice(0, quarter)),
    rss_last_mb: median(rss.slice(-quarter)),
    heap_first_mb: median(heap.slice(0, quarter)),
    heap_last_mb: median(heap.slice(-quarter)),
    heap_kb_per_job: Math.round(slope(heap.slice(Math.floor(heap.length / 2))) * 1024 * 10) / 10,
  }),
);
const blobs = summary.blobsByJob.slice(1);
console.log(
  JSON.stringify({
    metric: "node_blob_store",
    jobs: blobs.length,
    gc_minutes: gcMinutes ?? null,
    blobs_first: median(blobs.slice(0, quarter)),
    blobs_last: median(blobs.slice(-quarter)),
    blobs_max: Math.max(...blobs),
  }),
);
console.log(JSON.stringify({ metric: "node_peak_rss_mb", value: summary.peakRssMb }));
