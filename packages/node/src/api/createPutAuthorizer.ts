import type { Address } from "viem";

export type CreatePutAuthorizerParameters = {
  /** An active node in NodeRegistry (the daemon reads `isActive` on chain). */
  isRegisteredNode: (address: Address) => Promise<boolean>;
  /** The requester of a job that is not final yet (the daemon answers from its synced jobs). */
  isLiveRequester: (address: Address) => Promise<boolean>;
  /** How long a "yes" is trusted. Default 60 s. */
  allowTtlMs?: number;
  /** How long a "no" is trusted; short, so a node that just registered can upload soon. Default 5 s. */
  denyTtlMs?: number;
  /** Most addresses remembered; the oldest are forgotten first. Default 10,000. */
  maxEntries?: number;
  now?: () => number;
};

/**
 * Builds the `authorizePut` the HTTP server asks before accepting an upload: a registered node or the
 * requester of a live job. Answers are cached for a while so that a burst of uploads (a miner
 * publishing a batch of results) costs one chain read, not one per blob. Concurrent questions about
 * one address share a single lookup. A lookup that throws is not cached and the error propagates
 * (the server answers 503, the uploader retries).
 *
 * @example
 * const authorizePut = createPutAuthorizer({
 *   isRegisteredNode: (address) => client.readContract({ address: registry, abi: nodeRegistryAbi, functionName: "isActive", args: [address] }),
 *   isLiveRequester: async (address) => store.hasLiveJobOf(address),
 * });
 */
export function createPutAuthorizer(parameters: CreatePutAuthorizerParameters) {
  const allowTtlMs = parameters.allowTtlMs ?? 60_000;
  const denyTtlMs = parameters.denyTtlMs ?? 5_000;
  const maxEntries = parameters.maxEntries ?? 10_000;
  const now = parameters.now ?? Date.now;
  const cache = new Map<Address, { allowed: boolean; until: number }>();
  const pending = new Map<Address, Promise<boolean>>();

  async function lookup(address: Address): Promise<boolean> {
    const allowed = (await parameters.isRegisteredNode(address)) || (await parameters.isLiveRequester(address));
    cache.delete(address);
    cache.set(address, { allowed, until: now() + (allowed ? allowTtlMs : denyTtlMs) });
    // Map iteration order is insertion order, so the first key is the oldest entry.
    if (cache.size > maxEntries) cache.delete(cache.keys().next().value as Address);
    return allowed;
  }

  return async function authorizePut(address: Address): Promise<boolean> {
    const hit = cache.get(address);
    if (hit && hit.until > now()) return hit.allowed;
    let inFlight = pending.get(address);
    if (!inFlight) {
      inFlight = lookup(address).finally(() => pending.delete(address));
      pending.set(address, inFlight);
    }
    return inFlight;
  };
}
