/**
 * One consistent-enough read of the market for a tick: every job that can still need work, with its
 * batches. Roles decide from views, not from remembered events, so a restarted node (or one that
 * missed logs during an RPC outage) sees the same picture as one that never stopped.
 *
 * Memory and reads do not grow with the number of jobs the market has seen. A finished job (final, or
 * every batch settled) is read until it has been finished for `finalityBlocks` (a reorg may undo the
 * last transaction), then never again. Below a watermark every job is finished; the scan starts there,
 * and the watermark is kept in the store so a restarted node does not read the whole history again.
 * The view carries the open jobs and the `recentFinished` jobs that finished last (what the API lists
 * and the roles' last look at a job); `isFinished` answers for the older ones.
 */
import { jobMarketAbi } from "@maitoken/protocol";
import type { Address, PublicClient } from "viem";
import type { Store } from "../store/openStore.js";
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
  /** The market's next job id at the scan: jobs from here on were created after it. */
  nextJobId: bigint;
  /** Every job that is not finished, then the most recently finished ones, in id order. */
  jobs: MarketJob[];
  /** Whether job `id` is finished (nothing left to do for anyone), including jobs no longer in `jobs`. */
  isFinished: (id: bigint) => boolean;
};

export type MarketScanner = { scan: () => Promise<MarketView> };

export type CreateMarketScannerOptions = {
  /** Keeps the watermark across restarts (one kv row per market). */
  store?: Store;
  /** Finished jobs the view keeps listing. Default 64. */
  recentFinished?: number;
  /** Blocks a job stays finished before it is never read again. Default 12. */
  finalityBlocks?: number;
};

const settled = new Set<number>([BatchState.Accepted, BatchState.Indeterminate]);

/** Final, or every batch settled: no role has anything left to do for the job. */
export function isJobFinished(entry: MarketJob): boolean {
  if ((Number(entry.job.status) & JobStatus.FINAL) !== 0) return true;
  return entry.batches.length > 0 && entry.batches.every((b) => settled.has(b.state));
}

/**
 * One job and all its batches, read at the latest block.
 * @example
 * const entry = await readMarketJob(client, deployment.contracts.jobMarket, 1n);
 */
export async function readMarketJob(client: PublicClient, market: Address, id: bigint): Promise<MarketJob> {
  const job = (await client.readContract({
    address: market,
    abi: jobMarketAbi,
    functionName: "getJob",
    args: [id],
  })) as unknown as JobView;
  const batches = (await Promise.all(
    Array.from({ length: Number(job.batches) }, (_, i) =>
      client.readContract({
        address: market,
        abi: jobMarketAbi,
        functionName: "getBatch",
        args: [batchRef(id, i)],
      }),
    ),
  )) as unknown as BatchView[];
  return { id, job, batches };
}

/**
 * @example
 * const scanner = createMarketScanner(client, deployment.contracts.jobMarket, { store });
 * const view = await scanner.scan();
 */
export function createMarketScanner(
  client: PublicClient,
  market: Address,
  options: CreateMarketScannerOptions = {},
): MarketScanner {
  const recentLimit = options.recentFinished ?? 64;
  const finality = BigInt(options.finalityBlocks ?? 12);
  const watermarkKey = `market.finishedBelow.${market.toLowerCase()}`;
  // Every job below `finishedBelow` is finished for good; `finished` holds those above it.
  let finishedBelow = BigInt(options.store?.kv.get<string>(watermarkKey) ?? "1");
  const finished = new Set<bigint>();
  // Jobs seen finished, with the head that first showed it, still read each scan until final enough.
  const settling = new Map<bigint, bigint>();
  // The last jobs to finish, oldest first (Map order is insertion order).
  const recent = new Map<bigint, MarketJob>();

  const remember = (entry: MarketJob) => {
    recent.delete(entry.id);
    recent.set(entry.id, entry);
    if (recent.size > recentLimit) recent.delete(recent.keys().next().value as bigint);
  };
  const isFinished = (id: bigint) => id < finishedBelow || finished.has(id) || settling.has(id);

  return {
    scan: async () => {
      const block = await client.getBlock();
      const next = await client.readContract({
        address: market,
        abi: jobMarketAbi,
        functionName: "nextJobId",
      });
      const jobs: MarketJob[] = [];
      for (let id = finishedBelow; id < next; id++) {
        if (finished.has(id)) continue;
        const entry = await readMarketJob(client, market, id);
        if (!isJobFinished(entry)) {
          // Not finished (again, if a reorg undid its last transaction).
          settling.delete(id);
          recent.delete(id);
          jobs.push(entry);
          continue;
        }
        const since = settling.get(id) ?? block.number;
        remember(entry);
        if (block.number >= since + finality) {
          settling.delete(id);
          finished.add(id);
        } else {
          settling.set(id, since);
        }
      }
      const before = finishedBelow;
      while (finished.delete(finishedBelow)) finishedBelow += 1n;
      if (finishedBelow !== before) {
        const store = options.store;
        store?.transaction(() => store.kv.set(watermarkKey, finishedBelow.toString()));
      }
      jobs.push(...recent.values());
      jobs.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      return { head: block.number, now: block.timestamp, nextJobId: next, jobs, isFinished };
    },
  };
}
