/**
 * Fetches another miner's manifest of a batch and checks it against the root that batch revealed on
 * chain: the unit roots must rebuild `root`, and (train) each unit root must be the root over its
 * listed checkpoint hashes. A manifest that fails either check is refused as unavailable.
 */
import { merkleRoot } from "@maitoken/protocol";
import type { Address, Hex } from "viem";
import { BaseError } from "../errors.js";
import type { BlobNetwork } from "../daemon/createBlobNetwork.js";
import type { BatchManifest } from "./BatchManifest.js";

export type FetchManifestParameters = {
  network: BlobNetwork;
  node: Address;
  jobId: bigint;
  batchIndex: number;
  root: Hex;
  /** Also require every unit root to be the root over its leaves (train checkpoints). */
  checkLeaves?: boolean;
};

export async function fetchManifest(p: FetchManifestParameters): Promise<BatchManifest> {
  const endpoint = await p.network.endpointOf(p.node);
  if (!endpoint)
    throw new BaseError(`node ${p.node} publishes no endpoint`, {
      retryable: true,
      code: "NO_ENDPOINT",
    });
  let rows: {
    batch: number;
    role: string;
    resultRoot?: string;
    resultBlob?: string;
  }[] = [];
  try {
    const res = await fetch(
      new URL(`batches?jobId=${p.jobId}&limit=1000`, endpoint.endsWith("/") ? endpoint : `${endpoint}/`),
      {
        signal: AbortSignal.timeout(10_000),
      },
    );
    if (res.ok) rows = ((await res.json()) as { batches?: typeof rows }).batches ?? [];
  } catch (cause) {
    throw new BaseError(`node ${p.node} at ${endpoint} did not answer for its batches`, { retryable: true, cause });
  }
  const row = rows.find(
    (r) => r.batch === p.batchIndex && r.role === "miner" && r.resultRoot === p.root && r.resultBlob,
  );
  if (!row?.resultBlob) {
    throw new BaseError(`node ${p.node} lists no manifest for batch ${p.batchIndex} of job ${p.jobId}`, {
      retryable: true,
      code: "MANIFEST_UNAVAILABLE",
    });
  }
  const bytes = await p.network.get(row.resultBlob, [endpoint]);
  const manifest = JSON.parse(new TextDecoder().decode(bytes)) as BatchManifest;
  const roots = manifest.units.map((u) => u.root);
  if (roots.length === 0 || merkleRoot(roots) !== p.root) {
    throw new BaseError(`the manifest of batch ${p.batchIndex} does not rebuild its revealed root`, {
      code: "MANIFEST_MISMATCH",
    });
  }
  if (p.checkLeaves !== false) {
    for (const u of manifest.units) {
      if (
        u.leaves.length > 0 &&
        u.leaves[0]?.length === 66 &&
        merkleRoot(u.leaves) !== u.root &&
        isCheckpointList(manifest)
      ) {
        throw new BaseError(`the manifest's checkpoints of unit ${u.index} do not rebuild its root`, {
          code: "MANIFEST_MISMATCH",
        });
      }
    }
  }
  return manifest;
}

/** Only train manifests have leaves that are exactly the unit's Merkle leaves (dedup adds a leaf). */
function isCheckpointList(m: BatchManifest): boolean {
  return m.units.every((u) => u.output === undefined);
}
