/**
 * Where a node finds bytes it does not hold: its own store first, then configured peers (a
 * requester's server) and every registered node's endpoint (registry metadata). Every download is
 * checked against its sha256 by `fetchBlob`, so a peer can withhold bytes but never forge them.
 */
import { nodeRegistryAbi } from "@maitoken/protocol";
import { type Address, type PublicClient, parseAbiItem } from "viem";
import type { BlobStore } from "../blobs/createBlobStore.js";
import { fetchBlob } from "../blobs/fetchBlob.js";
import { BaseError } from "../errors.js";

export type BlobNetwork = {
  /** Bytes of `hash` (0x-prefixed or bare sha256 hex), stored locally once fetched. */
  get: (hash: string, preferred?: readonly string[]) => Promise<Uint8Array>;
  /** The registry metadata URL of a node ("" when none). */
  endpointOf: (node: Address) => Promise<string>;
  /** Every known endpoint (peers, then registered nodes), excluding this node. */
  endpoints: () => Promise<string[]>;
};

export type CreateBlobNetworkParameters = {
  client: PublicClient;
  registry: Address;
  fromBlock: bigint;
  blobs: BlobStore;
  peers: readonly string[];
  self: string;
  maxBytes: number;
  signal?: AbortSignal;
};

const registered = parseAbiItem(
  "event NodeRegistered(address indexed node, address indexed owner, uint8 deviceClass, uint64 capacityCUps, string metadataURI)",
);

export function createBlobNetwork(p: CreateBlobNetworkParameters): BlobNetwork {
  let cache: { at: number; urls: string[] } | undefined;

  async function endpointOf(node: Address): Promise<string> {
    const view = await p.client.readContract({
      address: p.registry,
      abi: nodeRegistryAbi,
      functionName: "getNode",
      args: [node],
    });
    return (view as { metadataURI: string }).metadataURI;
  }

  async function endpoints(): Promise<string[]> {
    if (cache && Date.now() - cache.at < 10_000) return cache.urls;
    const logs = await p.client.getLogs({
      address: p.registry,
      event: registered,
      fromBlock: p.fromBlock,
    });
    const nodes = [...new Set(logs.map((l) => l.args.node as Address))];
    const urls = await Promise.all(nodes.map(endpointOf));
    const all = [...new Set([...p.peers, ...urls])].filter((u) => u && /^https?:\/\//.test(u) && u !== p.self);
    cache = { at: Date.now(), urls: all };
    return all;
  }

  return {
    endpointOf,
    endpoints,
    get: async (hash, preferred = []) => {
      const bare = hash.replace(/^0x/, "").toLowerCase();
      if (p.blobs.has(bare)) return p.blobs.get(bare);
      const tried: string[] = [];
      for (const url of [...preferred, ...(await endpoints())]) {
        if (!url || tried.includes(url)) continue;
        tried.push(url);
        try {
          const bytes = await fetchBlob(url, bare, {
            maxBytes: p.maxBytes,
            timeoutMs: 10_000,
            signal: p.signal,
          });
          await p.blobs.put(bytes, { expectedHash: bare });
          return bytes;
        } catch {
          // Try the next peer; a peer that lacks or corrupts the blob is simply skipped.
        }
      }
      throw new BaseError(`blob ${bare} is not available from any known endpoint`, {
        retryable: true,
        code: "BLOB_UNAVAILABLE",
        details: { hash: bare, tried },
      });
    },
  };
}
