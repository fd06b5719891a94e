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

/** Mirror of the contracts' `BatchFlags` bits (JobMarketTypes.sol), as `BatchView.flags` carries them. */
export const BatchFlags = {
  WIDENED: 1n,
  DRAWN: 2n,
  FORCED: 4n,
  PRIMARY_SLASHED: 8n,
  AUDIT_LAPSED: 16n,
  AUDIT_PASSED: 32n,
} as const;

/** `Job.status` bits. */
export const JobStatus = {
  CANCELLED: 1,
  FROZEN: 2,
  CLOSED: 4,
  FINAL: 8,
} as const;
