/**
 * Runs the runtime units of one batch (or its first `count` of them, which is what an auditor needs to
 * reach a drawn unit of a chained training batch) and stores every artefact in the blob store:
 * checkpoints (named by their hash), outputs and the manifest. A chained batch's first unit starts
 * from the predecessor batch's final checkpoint, fetched from the predecessor's miner and checked
 * against the root that batch revealed on chain.
 */
import { merkleRoot } from "@maitoken/protocol";
import { type JobSpec, encodeTensor } from "@maitoken/runtime";
import { type Address, type Hex, keccak256, toHex } from "viem";
import { BaseError } from "../errors.js";
import type { BlobNetwork } from "../daemon/createBlobNetwork.js";
import type { BlobStore } from "../blobs/createBlobStore.js";
import type { BatchManifest } from "./BatchManifest.js";
import { fetchManifest } from "./fetchManifest.js";
import { runUnitInWorker } from "../compute/runUnitInWorker.js";
import { collectHeapGarbage } from "../compute/collectHeapGarbage.js";

export type ComputeBatchParameters = {
  spec: JobSpec;
  jobId: bigint;
  batchIndex: number;
  attempt: number;
  node: Address;
  runtimeUnits: number[];
  /** Compute only the first `count` units (default all). */
  count?: number;
  /** Chained batch: the predecessor batch's primary and revealed root. */
  predecessor?: { node: Address; root: Hex; batchIndex: number };
  blobs: BlobStore;
  network: BlobNetwork;
  /** Devnet cheat: random roots, nothing computed. */
  cheat?: boolean;
  onUnit?: (seconds: number) => void;
  /** Who waits for the node's one compute lane: an audit goes before a leased batch ("lease", default). */
  priority?: "lease" | "audit";
  /** Checked between units: an aborted batch stops early (retryable) and is computed again later. */
  signal?: AbortSignal;
};

export type ComputeBatchReturnType = {
  manifest: BatchManifest;
  manifestHash: string;
  unitRoots: Hex[];
};

// One unit at a time in this process, on its compute worker thread (the main thread keeps the
// chain, the API and the blob store responsive): the miner and the auditor share the cores and the
// memory, and two workloads side by side would only hold twice the buffers for the same throughput.
// Audits and votes go first: each is one unit another node's payment waits for, in a window shorter
// than most leases, and the miner's lease budget already counts held audits as work ahead of it.
const waiting: { priority: number; start: () => void }[] = [];
let busy = false;
async function oneAtATime<T>(priority: number, run: () => Promise<T>): Promise<T> {
  if (busy) {
    await new Promise<void>((start) => {
      const at = waiting.findIndex((w) => w.priority > priority);
      waiting.splice(at < 0 ? waiting.length : at, 0, { priority, start });
    });
  }
  busy = true;
  try {
    return await run();
  } finally {
    const next = waiting.shift();
    if (next) next.start();
    else busy = false;
  }
}

export async function computeBatch(p: ComputeBatchParameters): Promise<ComputeBatchReturnType> {
  const count = p.count ?? p.runtimeUnits.length;
  const units: BatchManifest["units"] = [];
  let previousFinal: Uint8Array | undefined;
  let loadModel: (() => Promise<Uint8Array>) | undefined;
  if (p.spec.kind === "infer" && !p.cheat) {
    const pin = p.spec.model.sha256;
    if (!pin)
      throw new BaseError("the infer spec pins no model sha256: its model cannot be fetched", {
        code: "SPEC_UNRUNNABLE",
      });
    loadModel = () => p.network.get(pin);
  }
  for (let j = 0; j < count; j++) {
    if (p.signal?.aborted) throw new BaseError("batch computation interrupted", { retryable: true });
    const index = p.runtimeUnits[j] as number;
    if (p.cheat) {
      const fake = keccak256(toHex(`cheat:${p.jobId}:${p.batchIndex}:${index}:${Math.random()}`));
      units.push({ index, root: fake, leaves: [fake] });
      continue;
    }
    let start: Uint8Array | undefined;
    if (p.spec.kind === "train" && index % p.spec.unitsPerChain !== 0) {
      start = j > 0 ? previousFinal : await predecessorFinal(p);
    }
    // A training unit's checkpoints go to the blob store as the worker makes them; only the last
    // (the next unit's start) is kept in memory.
    const stored: Promise<unknown>[] = [];
    let storeError: unknown;
    let last: Uint8Array | undefined;
    const onCheckpoint = (bytes: Uint8Array) => {
      last = bytes;
      stored.push(
        p.blobs.put(bytes).catch((error) => {
          storeError ??= error;
        }),
      );
    };
    const result = await oneAtATime(p.priority === "audit" ? 0 : 1, async () => {
      const t0 = performance.now();
      const r = await runUnitInWorker(p.spec, index, { loadModel, start, onCheckpoint });
      p.onUnit?.((performance.now() - t0) / 1000);
      return r;
    });
    await Promise.all(stored);
    if (storeError) throw storeError;
    if (result.kind === "train") {
      previousFinal = last;
      units.push({
        index,
        root: result.resultRoot as Hex,
        leaves: result.checkpointHashes as Hex[],
      });
    } else {
      const out = await p.blobs.put(encodeTensor(result.output));
      units.push({
        index,
        root: result.resultRoot as Hex,
        leaves: result.itemHashes as Hex[],
        output: out.hash,
      });
    }
  }
  const unitRoots = units.map((u) => u.root);
  const manifest: BatchManifest = {
    version: 1,
    job: p.jobId.toString(),
    batch: p.batchIndex,
    attempt: p.attempt,
    node: p.node,
    root: merkleRoot(unitRoots),
    units,
  };
  const put = await p.blobs.put(new TextEncoder().encode(JSON.stringify(manifest)));
  // The units' checkpoints and outputs are in the blob store now: free their memory at once.
  collectHeapGarbage();
  return { manifest, manifestHash: put.hash, unitRoots };
}

/** The predecessor batch's final checkpoint, proved against the root it revealed. */
async function predecessorFinal(p: ComputeBatchParameters): Promise<Uint8Array> {
  const pred = p.predecessor;
  if (!pred)
    throw new BaseError("a chained unit needs its predecessor batch", {
      code: "NO_PREDECESSOR",
    });
  let manifest: BatchManifest;
  try {
    manifest = await fetchManifest({
      network: p.network,
      node: pred.node,
      jobId: p.jobId,
      batchIndex: pred.batchIndex,
      root: pred.root,
    });
  } catch (cause) {
    if ((cause as { code?: string }).code !== "MANIFEST_MISMATCH") throw cause;
    // The predecessor's primary revealed a root its own checkpoints do not prove: its fault, not the
    // job's. Nothing can continue from it until its audit re-opens it (then the keeper re-opens this
    // batch as stale, with compensation), so the caller waits rather than abandoning the job.
    throw new BaseError("the predecessor's revealed result does not prove against its manifest", {
      code: "PREDECESSOR_UNPROVABLE",
      retryable: true,
      cause,
    });
  }
  const last = manifest.units[manifest.units.length - 1];
  const finalHash = last?.leaves[last.leaves.length - 1];
  if (!finalHash) throw new BaseError("the predecessor's manifest names no final checkpoint", { retryable: true });
  const endpoint = await p.network.endpointOf(pred.node);
  return p.network.get(finalHash, [endpoint]);
}
