import { jobMarketAbi } from "@maitoken/protocol";
import type { Address, Hex } from "viem";
import type { SdkClients } from "./createSdkClients.js";
import { toSdkError } from "./toSdkError.js";
import { batchRef } from "../daemon/batchRef.js";

/** The market's batch states, in on-chain order. */
export const BATCH_STATES = [
  "Open",
  "Leased",
  "Committed",
  "AuditSeated",
  "AuditCommitted",
  "Revealed",
  "Disputed",
  "Verified",
  "Accepted",
  "Indeterminate",
] as const;
export type BatchStateName = (typeof BATCH_STATES)[number];

export type JobStatusReturnType = {
  jobId: bigint;
  requester: Address;
  specHash: Hex;
  units: number;
  /** Units per batch, as the job was posted (the last batch may hold fewer). */
  batchSize: number;
  batches: number;
  cancelled: boolean;
  frozen: boolean;
  closed: boolean;
  final: boolean;
  deadline: number;
  escrow: bigint;
  /** Number of batches in each state. */
  counts: Record<BatchStateName, number>;
  batchStates: {
    index: number;
    state: BatchStateName;
    attempt: number;
    node: Address;
    /** Units in the batch (`batchSize`, the last batch may hold fewer). */
    units: number;
  }[];
  /** Units of batches accepted so far. */
  unitsAccepted: number;
  /** Every batch is Accepted or Indeterminate, or the job is closed with nothing in flight. */
  done: boolean;
};

/** `batchRef(jobId, index)`: the market's packed batch reference. */
export { batchRef };

/**
 * One snapshot of a job and each of its batches, read from the market.
 * @example
 * const status = await getJobStatus(clients, 1n);
 * console.log(`${status.counts.Accepted}/${status.batches} batches accepted`);
 */
export async function getJobStatus(clients: SdkClients, jobId: bigint): Promise<JobStatusReturnType> {
  const { publicClient, deployment } = clients;
  const address = deployment.contracts.jobMarket;
  try {
    const job = await publicClient.readContract({
      address,
      abi: jobMarketAbi,
      functionName: "getJob",
      args: [jobId],
    });
    const batches = Number(job.batches);
    const views = await Promise.all(
      Array.from({ length: batches }, (_, i) =>
        publicClient.readContract({
          address,
          abi: jobMarketAbi,
          functionName: "getBatch",
          args: [batchRef(jobId, i)],
        }),
      ),
    );
    const counts = Object.fromEntries(BATCH_STATES.map((s) => [s, 0])) as Record<BatchStateName, number>;
    let unitsAccepted = 0;
    const batchStates = views.map((b, index) => {
      const state = BATCH_STATES[b.state] ?? "Open";
      counts[state] += 1;
      if (state === "Accepted") unitsAccepted += Number(b.units);
      return { index, state, attempt: Number(b.attempt), node: b.node, units: Number(b.units) };
    });
    const status = Number(job.status);
    const closed = (status & 4) !== 0;
    const settled = counts.Accepted + counts.Indeterminate;
    const inFlight = batches - settled - counts.Open;
    return {
      jobId,
      requester: job.requester,
      specHash: job.specHash,
      units: Number(job.units),
      batchSize: Number(job.batchSize),
      batches,
      cancelled: (status & 1) !== 0,
      frozen: (status & 2) !== 0,
      closed,
      final: (status & 8) !== 0,
      deadline: Number(job.deadline),
      escrow: job.escrow,
      counts,
      batchStates,
      unitsAccepted,
      done: settled === batches || (closed && inFlight === 0),
    };
  } catch (cause) {
    throw toSdkError(cause, `reading job ${jobId}`);
  }
}
