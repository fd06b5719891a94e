import { nodeRegistryAbi } from "@maitoken/protocol";
import type { Address } from "viem";
import type { SdkClients } from "./createSdkClients.js";
import { toSdkError } from "./toSdkError.js";

export type BlobEndpoint = { node: Address; url: string };

/**
 * The blob endpoints nodes published in their registry metadata (latest `NodeRegistered` /
 * `MetadataUpdated` per node). A metadata URI is either the endpoint itself (`http://host:port`)
 * or JSON with an `endpoint` (or `blobs`) field; anything else is skipped.
 * @example
 * const endpoints = await findBlobEndpoints(clients); // [{ node: "0x...", url: "http://127.0.0.1:7071" }]
 */
export async function findBlobEndpoints(clients: SdkClients): Promise<BlobEndpoint[]> {
  const { publicClient, deployment } = clients;
  const address = deployment.contracts.registry;
  const fromBlock = BigInt(deployment.block);
  const latest = new Map<Address, { uri: string; at: bigint }>();
  try {
    const [registered, updated] = await Promise.all([
      publicClient.getContractEvents({
        address,
        abi: nodeRegistryAbi,
        eventName: "NodeRegistered",
        fromBlock,
      }),
      publicClient.getContractEvents({
        address,
        abi: nodeRegistryAbi,
        eventName: "MetadataUpdated",
        fromBlock,
      }),
    ]);
    for (const log of [...registered, ...updated]) {
      const { node, metadataURI } = log.args as {
        node: Address;
        metadataURI: string;
      };
      const at = (log.blockNumber ?? 0n) * 1_000_000n + BigInt(log.logIndex ?? 0);
      const seen = latest.get(node);
      if (!seen || seen.at < at) latest.set(node, { uri: metadataURI, at });
    }
  } catch (cause) {
    throw toSdkError(cause, "reading node metadata");
  }
  const endpoints: BlobEndpoint[] = [];
  for (const [node, { uri }] of latest) {
    const url = endpointOf(uri);
    if (url) endpoints.push({ node, url });
  }
  return endpoints;
}

function endpointOf(uri: string): string | undefined {
  const text = uri.trim();
  if (/^https?:\/\//.test(text)) return text;
  try {
    const json = JSON.parse(text) as { endpoint?: unknown; blobs?: unknown };
    const value = json.endpoint ?? json.blobs;
    return typeof value === "string" && /^https?:\/\//.test(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
