/**
 * The node's Prometheus metrics. Each call builds its own `Registry` and registers nothing in
 * prom-client's global one, so several nodes (the devnet, tests) can live in one process without
 * their counters colliding. Components receive the returned object through `common.metrics` and
 * touch only the metrics they own.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import { liveHeapBytes } from "../compute/collectHeapGarbage.js";

export type CreateMetricsParameters = {
  /** Prepended to every metric name. Default `mai_`. */
  prefix?: string;
  /** Labels added to every sample, e.g. `{ node: "0xabc..." }` when one Prometheus scrapes many nodes. */
  defaultLabels?: Record<string, string>;
  /** Also collect process metrics (RSS, CPU, event-loop lag, heap). Default true. */
  processMetrics?: boolean;
};

export type NodeMetrics = ReturnType<typeof createMetrics>;

/**
 * @example
 * const metrics = createMetrics({ defaultLabels: { node: "miner-1" } });
 * metrics.unitsComputed.inc({ kind: "train" }, 32);
 * const text = await metrics.registry.metrics();
 */
export function createMetrics(parameters: CreateMetricsParameters = {}) {
  const prefix = parameters.prefix ?? "mai_";
  const registry = new Registry();
  if (parameters.defaultLabels) registry.setDefaultLabels(parameters.defaultLabels);
  if (parameters.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix });
  const registers = [registry];

  return {
    registry,
    unitsComputed: new Counter({
      name: `${prefix}units_computed_total`,
      help: "Job units this node computed (as primary, auditor or committee member)",
      labelNames: ["kind", "role"] as const,
      registers,
    }),
    computeUnits: new Counter({
      name: `${prefix}compute_units_total`,
      help: "Compute units (CU) of the work this node computed",
      labelNames: ["kind"] as const,
      registers,
    }),
    audits: new Counter({
      name: `${prefix}audits_total`,
      help: "Audits this node took part in, by role and verdict (match, mismatch, unavailable, missed)",
      labelNames: ["role", "verdict"] as const,
      registers,
    }),
    disputes: new Counter({
      name: `${prefix}disputes_total`,
      help: "Disputes this node took part in, by role and outcome (won, lost, indeterminate)",
      labelNames: ["role", "outcome"] as const,
      registers,
    }),
    txSent: new Counter({
      name: `${prefix}tx_sent_total`,
      help: "Transactions sent, by contract function",
      labelNames: ["method"] as const,
      registers,
    }),
    txFailed: new Counter({
      name: `${prefix}tx_failed_total`,
      help: "Transactions that failed, by contract function and reason (reverted, dropped, rpc)",
      labelNames: ["method", "reason"] as const,
      registers,
    }),
    chainHead: new Gauge({
      name: `${prefix}chain_head_block`,
      help: "Latest block number seen from the RPC",
      registers,
    }),
    chainHeadLag: new Gauge({
      name: `${prefix}chain_head_lag_blocks`,
      help: "Blocks between the chain head and the last block this node has processed",
      registers,
    }),
    heapLive: new Gauge({
      name: `${prefix}heap_live_bytes`,
      help: "V8 heap in use on the main thread right after the last full collection (after each batch): live objects only",
      registers,
      collect() {
        const bytes = liveHeapBytes();
        if (bytes !== undefined) this.set(bytes);
      },
    }),
    blobBytes: new Gauge({
      name: `${prefix}blob_store_bytes`,
      help: "Bytes held in the local blob store",
      registers,
    }),
    blobCount: new Gauge({
      name: `${prefix}blob_store_blobs`,
      help: "Blobs held in the local blob store",
      registers,
    }),
    blobCorrupt: new Counter({
      name: `${prefix}blob_corrupt_total`,
      help: "Stored blobs found corrupt on read (and deleted)",
      registers,
    }),
    blobGcDeleted: new Counter({
      name: `${prefix}blob_gc_deleted_total`,
      help: "Blobs deleted by garbage collection (no live job needed them)",
      registers,
    }),
    blobGcFreedBytes: new Counter({
      name: `${prefix}blob_gc_freed_bytes_total`,
      help: "Bytes freed by blob garbage collection",
      registers,
    }),
    blobTransferBytes: new Counter({
      name: `${prefix}blob_transfer_bytes_total`,
      help: "Blob bytes served or received over HTTP",
      labelNames: ["direction"] as const,
      registers,
    }),
    workloadSeconds: new Histogram({
      name: `${prefix}workload_seconds`,
      help: "Wall time inside the runtime for one unit, by workload kind and role (miner, auditor)",
      labelNames: ["kind", "role"] as const,
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers,
    }),
    httpRequests: new Counter({
      name: `${prefix}http_requests_total`,
      help: "HTTP API requests answered, by route and status code",
      labelNames: ["route", "method", "status"] as const,
      registers,
    }),
  };
}
