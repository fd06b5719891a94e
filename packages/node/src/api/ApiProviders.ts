import type { Address } from "viem";

/** Paging every list route accepts (`?offset=&limit=`), already validated. */
export type Page = { offset: number; limit: number };

export type JobsQuery = Page & { requester?: Address };
export type BatchesQuery = Page & { jobId?: bigint; node?: Address };
export type RewardsQuery = { address?: Address };
export type EventsQuery = { fromBlock: bigint; limit: number; name?: string };

/**
 * What the JSON API reads. The daemon answers these from its SQLite store and chain view; the API
 * only validates queries, serialises (bigints become decimal strings) and maps errors. A provider
 * left out answers 501, so a node without a role's data still serves the rest.
 */
export type ApiProviders = {
  status?: () => unknown | Promise<unknown>;
  jobs?: (query: JobsQuery) => unknown | Promise<unknown>;
  /** `undefined` means no such job (404). */
  job?: (id: bigint) => unknown | Promise<unknown>;
  batches?: (query: BatchesQuery) => unknown | Promise<unknown>;
  rewards?: (query: RewardsQuery) => unknown | Promise<unknown>;
  /** Confirmed protocol events (the audit trail), oldest first from `fromBlock`. */
  events?: (query: EventsQuery) => unknown | Promise<unknown>;
};
