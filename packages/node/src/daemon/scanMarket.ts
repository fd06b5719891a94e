/**
 * One consistent-enough read of the market for a tick: every job that can still need work, with its
 * batches. Roles decide from views, not from remembered events, so a restarted node (or one that
 * missed logs during an RPC outage) sees the same picture as one that never stopped.
 */
import { jobMarketAbi } from "@maitoken/protocol";
import type { Address, PublicClient } from "viem";
import { batchRef } from "./batchRef.js";
import { BatchState, JobStatus } from "./BatchState.js";

export type JobView = {
  requester: Address;
  specHash: `0x${string}`;
  units: bigint;
  batchSize: bigint;
  batches: bigint;
  chains: bigint;
  cuPerUnit: bigint;
  pricePerUnit: bigint;
  deadline: bigint;
  minAuditBps: bigint;
  minDeviceClass: number;
  status: bigint;
  escrow: bigint;
  lockedValue: bigint;
  auditReserve: bigint;
  bond: bigint;
  compensationPool: bigint;
  abandons: bigint;
};

export type BatchView = {
  state: number;
  attempt: bigint;
  flags: bigint;
  node: Address;
  deadline: bigint;
  anchorBlock: bigint;
  digest: `0x${string}`;
  collateral: bigint;
  auditBps: bigint;
  units: bigint;
};

export type MarketJob = { id: bigint; job: JobView; batches: BatchView[] };

export type MarketView = {
  head: bigint;
  /** Timestamp of the head block (the contracts' `block.timestamp` for the next call is >= this). */
  now: bigint;
  jobs: MarketJob[];
};

export type MarketScanner = { scan: () => Promise<MarketView> };

const settled = new Set<number>([BatchState.Accepted, BatchState.Indeterminate]);

/**
 * @example
 * const scanner = createMarketScanner(client, deployment.contracts.jobMarket);
 * const view = await scanner.scan();
 */
export function createMarketScanner(client: PublicClient, market: Address): MarketScanner {
  // Jobs with nothing left to do for anyone: never read again, but still reported (API, explorer).
  const done = new Map<bigint, MarketJob>();
  return {
    scan: async () => {
      const block = await client.getBlock();
      const next = await client.readContract({
        address: market,
        abi: jobMarketAbi,
        functionName: "nextJobId",
      });
      const jobs: MarketJob[] = [];
      for (let id = 1n; id < next; id++) {
        const settledJob = done.get(id);
        if (settledJob) {
          jobs.push(settledJob);
          continue;
        }
        const job = (await client.readContract({
          address: market,
          abi: jobMarketAbi,
          functionName: "getJob",
          args: [id],
        })) as unknown as JobView;
        const count = Number(job.batches);
        const batches = (await Promise.all(
          Array.from({ length: count }, (_, i) =>
            client.readContract({
              address: market,
              abi: jobMarketAbi,
              functionName: "getBatch",
              args: [batchRef(id, i)],
            }),
          ),
        )) as unknown as BatchView[];
        const allSettled = batches.every((b) => settled.has(b.state));
        const entry = { id, job, batches };
        if ((Number(job.status) & JobStatus.FINAL) !== 0 || (allSettled && batches.length > 0)) done.set(id, entry);
        jobs.push(entry);
      }
      return { head: block.number, now: block.timestamp, jobs };
    },
  };
}
