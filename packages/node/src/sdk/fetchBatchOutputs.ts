import { merkleRoot, nodeRegistryAbi } from "@maitoken/protocol";
import { type Tensor, decodeTensor, hashTensor } from "@maitoken/runtime";
import type { Address, Hex } from "viem";
import { fetchBlob } from "../blobs/fetchBlob.js";
import type { BatchManifest } from "../miner/BatchManifest.js";
import type { SdkClients } from "./createSdkClients.js";
import { SdkError } from "./SdkError.js";

export type FetchBatchOutputsParameters = {
  jobId: bigint;
  batchIndex: number;
  node: Address;
  /** The batch root the chain accepted (from the primary) or, from an auditor, the audited unit's root. */
  root: Hex;
  /**
   * `miner` (default): the batch's primary serves its whole result. `auditor`: the node that audited
   * the batch (and won the dispute against a slashed primary) serves the one unit it re-executed.
   */
  from?: "miner" | "auditor";
};

export type FetchBatchOutputsReturnType = {
  manifest: BatchManifest;
  /** Infer/data jobs: each unit's output rows, every row proved against the on-chain root. */
  outputs: { unit: number; output: Tensor }[];
};

/**
 * Downloads the result of one revealed batch from the node that computed it and proves it against
 * the root the chain bound: the manifest's unit roots must rebuild the batch root, each unit root
 * must be the Merkle root of its item hashes, and each output row must hash to its item hash. The
 * node is trusted for nothing but availability (`RESULT_MISMATCH` when any check fails). With
 * `from: "auditor"`, the audited unit only, proved against the unit root the dispute upheld.
 * @example
 * const { outputs } = await fetchBatchOutputs(clients, { jobId, batchIndex: 0, node, root });
 */
export async function fetchBatchOutputs(
  clients: SdkClients,
  p: FetchBatchOutputsParameters,
): Promise<FetchBatchOutputsReturnType> {
  const view = await clients.publicClient.readContract({
    address: clients.deployment.contracts.registry,
    abi: nodeRegistryAbi,
    functionName: "getNode",
    args: [p.node],
  });
  const endpoint = view.metadataURI;
  if (!/^https?:\/\//.test(endpoint)) {
    throw new SdkError("UPLOAD_FAILED", `Node ${p.node} publishes no blob endpoint`, { retryable: true });
  }
  const base = endpoint.endsWith("/") ? endpoint : `${endpoint}/`;
  let rows: { batch: number; role: string; resultRoot?: string; resultBlob?: string }[] = [];
  try {
    const res = await fetch(new URL(`batches?jobId=${p.jobId}&limit=1000`, base), {
      signal: AbortSignal.timeout(10_000),
    });
    if (res.ok) rows = ((await res.json()) as { batches?: typeof rows }).batches ?? [];
  } catch (cause) {
    throw new SdkError("RPC_DOWN", `Node ${p.node} at ${endpoint} did not answer`, { cause, retryable: true });
  }
  const from = p.from ?? "miner";
  const row = rows.find((r) => r.batch === p.batchIndex && r.role === from && r.resultRoot === p.root && r.resultBlob);
  if (!row?.resultBlob) {
    throw new SdkError("UPLOAD_FAILED", `Node ${p.node} lists no result for batch ${p.batchIndex} of job ${p.jobId}`, {
      retryable: true,
    });
  }
  const bytes = await fetchBlob(endpoint, row.resultBlob.replace(/^0x/, ""), { maxBytes: 16 << 20 });
  const manifest = JSON.parse(new TextDecoder().decode(bytes)) as BatchManifest;
  const mismatch = (what: string) =>
    new SdkError("RESULT_MISMATCH", `Batch ${p.batchIndex} of job ${p.jobId} from ${p.node}: ${what}`, {
      details: { jobId: p.jobId, batch: p.batchIndex, node: p.node },
    });
  // A primary serves the whole batch. An auditor re-executed one unit (a training audit replays the
  // units before it too): only the last, the audited one, is proved and returned.
  const units = from === "miner" ? manifest.units : manifest.units.slice(-1);
  if (from === "miner" && merkleRoot(units.map((u) => u.root)) !== p.root)
    throw mismatch("unit roots do not rebuild the batch root");
  if (from === "auditor" && units[0]?.root !== p.root)
    throw mismatch("the audited unit's root is not the one the dispute upheld");
  const outputs: FetchBatchOutputsReturnType["outputs"] = [];
  for (const unit of units) {
    if (merkleRoot(unit.leaves) !== unit.root) throw mismatch(`unit ${unit.index}'s leaves do not rebuild its root`);
    if (!unit.output) continue;
    const output = decodeTensor(await fetchBlob(endpoint, unit.output.replace(/^0x/, ""), { maxBytes: 64 << 20 }));
    const rowShape = output.shape.slice(1);
    const rowSize = rowShape.reduce((a, b) => a * b, 1);
    if (output.shape[0] !== unit.leaves.length) throw mismatch(`unit ${unit.index} has ${output.shape[0]} output rows`);
    for (let i = 0; i < unit.leaves.length; i++) {
      const hash = hashTensor({
        shape: rowShape,
        data: output.data.subarray(i * rowSize, (i + 1) * rowSize),
      } as Tensor);
      if (hash !== unit.leaves[i]) throw mismatch(`output row ${i} of unit ${unit.index} does not hash to its leaf`);
    }
    outputs.push({ unit: unit.index, output });
  }
  return { manifest, outputs };
}
