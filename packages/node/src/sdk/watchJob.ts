import type { SdkClients } from "./createSdkClients.js";
import { type JobStatusReturnType, getJobStatus } from "./getJobStatus.js";

export type WatchJobParameters = {
  /** Poll interval (ms). Default 1,000. */
  intervalMs?: number;
  /** Stop early. */
  signal?: AbortSignal;
  /** Called with every snapshot that differs from the previous one. */
  onChange?: (status: JobStatusReturnType) => void;
};

/**
 * Yields a job's status whenever a batch moves, until the job is done (every batch settled, or
 * closed with nothing in flight) or `signal` aborts. RPC hiccups are retried on the next tick.
 * @example
 * for await (const status of watchJob(clients, jobId)) console.log(status.counts);
 */
export async function* watchJob(
  clients: SdkClients,
  jobId: bigint,
  parameters: WatchJobParameters = {},
): AsyncGenerator<JobStatusReturnType, void, undefined> {
  const intervalMs = parameters.intervalMs ?? 1_000;
  let last = "";
  let failures = 0;
  while (!parameters.signal?.aborted) {
    let status: JobStatusReturnType | undefined;
    try {
      status = await getJobStatus(clients, jobId);
      failures = 0;
    } catch (error) {
      // A job that does not exist or a dead RPC for ~30 tries is the caller's problem, not a tick's.
      if ((error as { retryable?: boolean }).retryable !== true || ++failures > 30) throw error;
    }
    if (status) {
      const key = JSON.stringify(status.batchStates) + status.closed;
      if (key !== last) {
        last = key;
        parameters.onChange?.(status);
        yield status;
      }
      if (status.done) return;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
