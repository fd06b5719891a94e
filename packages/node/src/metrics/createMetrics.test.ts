import assert from "node:assert/strict";
import { test } from "node:test";
import { register as globalRegistry } from "prom-client";
import { collectHeapGarbage, liveHeapBytes } from "../compute/collectHeapGarbage.js";
import { createMetrics } from "./createMetrics.js";

test("each node gets its own registry with the node metrics and process metrics", async () => {
  const a = createMetrics({ defaultLabels: { node: "a" } });
  const b = createMetrics({ defaultLabels: { node: "b" }, processMetrics: false });
  a.unitsComputed.inc({ kind: "train", role: "miner" }, 32);
  a.txFailed.inc({ method: "commit", reason: "reverted" });
  a.chainHeadLag.set(3);
  a.workloadSeconds.observe({ kind: "infer", role: "miner" }, 0.2);
  b.unitsComputed.inc({ kind: "infer", role: "auditor" });

  const textA = await a.registry.metrics();
  assert.match(textA, /^mai_units_computed_total\{kind="train",role="miner",node="a"\} 32$/m);
  assert.match(textA, /^mai_tx_failed_total\{method="commit",reason="reverted",node="a"\} 1$/m);
  assert.match(textA, /^mai_chain_head_lag_blocks\{node="a"\} 3$/m);
  assert.match(textA, /^mai_workload_seconds_bucket\{le="0.25",node="a",kind="infer",role="miner"\} 1$/m);
  assert.match(textA, /^mai_workload_seconds_bucket\{le="0.1",node="a",kind="infer",role="miner"\} 0$/m);
  assert.match(textA, /^mai_process_resident_memory_bytes\{node="a"\} \d+/m);
  for (const name of ["audits_total", "disputes_total", "tx_sent_total", "blob_store_bytes"]) {
    assert.match(textA, new RegExp(`^# TYPE mai_${name} `, "m"));
  }

  const textB = await b.registry.metrics();
  assert.match(textB, /^mai_units_computed_total\{kind="infer",role="auditor",node="b"\} 1$/m);
  assert.doesNotMatch(textB, /kind="train"/);
  assert.doesNotMatch(textB, /process_resident_memory_bytes/);
  assert.equal((await globalRegistry.metrics()).trim(), "", "nothing leaks into prom-client's global registry");
});

test("the live heap gauge reports the heap right after the last forced collection", async () => {
  const metrics = createMetrics({ processMetrics: false });
  collectHeapGarbage();
  const live = liveHeapBytes() as number;
  assert.ok(live > 1_000_000, "a Node heap holds more than 1 MB");
  // Garbage made after the collection does not move the gauge; the next collection does.
  const garbage = Array.from({ length: 50_000 }, (_, i) => ({ i, s: `x${i}` }));
  assert.equal(garbage.length, 50_000);
  const value = async () =>
    Number(/^mai_heap_live_bytes (\d+)$/m.exec(await metrics.registry.metrics())?.[1] ?? Number.NaN);
  assert.equal(await value(), live);
  const kept = garbage;
  collectHeapGarbage();
  assert.ok((await value()) > live + 1_000_000, "50,000 objects still referenced count as live");
  assert.equal(kept.length, 50_000);
});
