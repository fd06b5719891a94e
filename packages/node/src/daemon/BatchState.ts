/** Mirror of the contracts' `BatchState` enum (JobMarketTypes.sol); the order is the ABI's. */
export const BatchState = {
  Open: 0,
  Leased: 1,
  Committed: 2,
  AuditSeated: 3,
  AuditCommitted: 4,
  Revealed: 5,
  Disputed: 6,
  Verified: 7,
  Accepted: 8,
  Indeterminate: 9,
} as const;

/** `Job.status` bits. */
export const JobStatus = {
  CANCELLED: 1,
  FROZEN: 2,
  CLOSED: 4,
  FINAL: 8,
} as const;
