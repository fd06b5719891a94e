// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {DeviceClass} from "../interfaces/Types.sol";

/// @notice A batch's address: `(jobId << 32) | batchIndex`. One number names the batch in calls, events
/// and storage keys, so a job id and a batch index can never be swapped by mistake.
type BatchRef is uint256;

using BatchRefLib for BatchRef global;

/// @title BatchRefLib
/// @notice Packs and unpacks `BatchRef`.
library BatchRefLib {
    /// @notice Thrown when a batch index does not fit 32 bits.
    error BatchIndexTooLarge(uint256 batchIndex);

    /// @notice Builds the reference of batch `batchIndex` of job `jobId`.
    function pack(uint256 id, uint256 batchIndex) internal pure returns (BatchRef) {
        if (batchIndex > type(uint32).max) revert BatchIndexTooLarge(batchIndex);
        return BatchRef.wrap((id << 32) | batchIndex);
    }

    /// @notice The job of a batch.
    function jobId(BatchRef ref) internal pure returns (uint256) {
        return BatchRef.unwrap(ref) >> 32;
    }

    /// @notice The index of a batch inside its job.
    function index(BatchRef ref) internal pure returns (uint256) {
        return BatchRef.unwrap(ref) & type(uint32).max;
    }
}

/// @notice Life cycle of one batch attempt. Within an attempt the state only moves forward; `Expired`,
/// `abandon`, a withheld reveal or a stale chain predecessor start a new attempt back at `Open`.
/// `Verified` is a chained batch whose own check passed but whose predecessor is not accepted yet.
enum BatchState {
    Open,
    Leased,
    Committed,
    AuditSeated,
    AuditCommitted,
    Revealed,
    Disputed,
    Verified,
    Accepted,
    Indeterminate
}

/// @notice What a requester posts. Prices in MAI wei.
/// @param specHash Content hash of the job's JSON spec (pins the runtime version).
/// @param units Number of units.
/// @param batchSize Units per batch (the last batch may hold fewer).
/// @param cuPerUnit Compute units of one unit (DESIGN 5.6).
/// @param pricePerUnit Price of one unit; at least `minPricePerCU * cuPerUnit`.
/// @param auditReserve Escrow paying auditors and committees; the unspent part is refunded.
/// @param requesterBond Pays nodes that abandon an unrunnable job; refunded otherwise.
/// @param deadline Timestamp after which no lease starts and open batches are refundable.
/// @param minAuditBps The requester's audit-probability floor.
/// @param chains 0: batches are independent. c > 0: batch b continues batch b - c (c independent chains).
/// @param minDeviceClass Weakest device class admitted.
struct JobParams {
    bytes32 specHash;
    uint32 units;
    uint16 batchSize;
    uint64 cuPerUnit;
    uint96 pricePerUnit;
    uint128 auditReserve;
    uint128 requesterBond;
    uint32 deadline;
    uint16 minAuditBps;
    uint16 chains;
    DeviceClass minDeviceClass;
}

/// @notice Storage record of a job (six slots).
/// @dev `escrow` is the price escrow of every batch not yet paid or refunded; `lockedValue` the part of
/// it belonging to batches in flight (leased up to verified). Open value = escrow - lockedValue. `abandons` counts
/// distinct owners whose nodes abandoned a batch while the job was live (not abandon calls).
struct Job {
    address requester;
    uint32 units;
    uint16 batchSize;
    uint16 chains;
    DeviceClass minDeviceClass;
    uint8 status;
    uint16 minAuditBps;
    bytes32 specHash;
    uint64 cuPerUnit;
    uint96 pricePerUnit;
    uint32 deadline;
    uint32 createdAt;
    uint32 createdBlock;
    uint128 escrow;
    uint128 lockedValue;
    uint128 auditReserve;
    uint128 bond;
    uint128 compensationPool;
    uint16 abandons;
}

/// @notice Storage record of a batch: the head fits one slot, the digest one, the lease terms one.
/// @param state Where the current attempt stands.
/// @param attempt Attempt counter (a new attempt re-opens the batch).
/// @param flags `BatchFlags` bits.
/// @param predAttempt Attempt of the chain predecessor when this attempt was leased.
/// @param node Primary of the current attempt (zero while open).
/// @param deadline The deadline of the current state (lease end, reveal deadline, ...); open time while open.
/// @param anchorBlock Block whose successor's seed drives the next draw (open block, commit block, ...).
/// @param digest The commitment while committed, the revealed result root afterwards.
/// @param collateral Stake locked by the primary for this lease.
/// @param auditBps Audit probability fixed at lease time (from the primary's reputation then).
struct Batch {
    BatchState state;
    uint8 attempt;
    uint8 flags;
    uint8 predAttempt;
    address node;
    uint32 deadline;
    uint32 anchorBlock;
    bytes32 digest;
    uint96 collateral;
    uint16 auditBps;
}

/// @notice Audit record of an audited batch attempt.
/// @param auditor Current seat holder.
/// @param seatDeadline End of the seat holder's exclusive commit window.
/// @param seatStart Timestamp the seats opened (windows count from here).
/// @param unitIndex Unit drawn for the audit.
/// @param unitDrawn Whether `unitIndex` is drawn (a forced audit draws it at the first seat claim).
/// @param committed Whether the seat holder committed its unit root.
/// @param revealed Whether the auditor revealed.
/// @param digest Auditor commitment, then its revealed unit root.
struct Audit {
    address auditor;
    uint32 seatDeadline;
    uint32 seatStart;
    uint16 unitIndex;
    bool unitDrawn;
    bool committed;
    bool revealed;
    bytes32 digest;
}

/// @notice Dispute record of a batch attempt.
/// @param round 1 for the first committee, 2 after a redraw.
/// @param members Seats taken in the current round.
/// @param seats Seats of the round (the committee size when it opened, capped).
/// @param start Timestamp the current round opened (commit phase = [start, start + window)).
/// @param anchorBlock Block whose successor's seed draws the committee.
/// @param primaryProven Whether the primary proved its unit root.
/// @param primaryUnitRoot The primary's proven unit root.
struct Dispute {
    uint8 round;
    uint8 members;
    uint8 seats;
    uint32 start;
    uint32 anchorBlock;
    bool primaryProven;
    bytes32 primaryUnitRoot;
}

/// @notice One committee seat.
struct Member {
    address node;
    bool revealed;
    bytes32 digest;
}

/// @title BatchFlags
/// @notice Bits of `Batch.flags`.
library BatchFlags {
    /// @dev Leased under a widened sortition threshold: fees only, no emission.
    uint8 internal constant WIDENED = 1;
    /// @dev Audit draw evaluated and stored (audited or not).
    uint8 internal constant DRAWN = 2;
    /// @dev The audit was forced (the draw seed had expired).
    uint8 internal constant FORCED = 4;
    /// @dev The primary lost a dispute; the batch was accepted with the majority result.
    uint8 internal constant PRIMARY_SLASHED = 8;
    /// @dev No auditor committed within every seat window: accepted for fees only.
    uint8 internal constant AUDIT_LAPSED = 16;
    /// @dev The audit (or dispute) confirmed the primary.
    uint8 internal constant AUDIT_PASSED = 32;
}

/// @title JobStatus
/// @notice Bits of `Job.status`.
library JobStatus {
    /// @dev The requester cancelled.
    uint8 internal constant CANCELLED = 1;
    /// @dev Too many abandons: frozen, abandoners paid from the bond.
    uint8 internal constant FROZEN = 2;
    /// @dev No new leases (cancelled, frozen or past the deadline and refunded); open value refunded.
    uint8 internal constant CLOSED = 4;
    /// @dev Reserve, bond and pool returned: nothing of the job remains in escrow.
    uint8 internal constant FINAL = 8;
}
