// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {DeviceClass} from "./Types.sol";
import {BatchRef, BatchState, JobParams} from "../libraries/JobMarketTypes.sol";

/// @title IJobMarketTypes
/// @notice Types, errors and events of the JobMarket, shared by the market and its two modules.
interface IJobMarketTypes {
    // ---------------------------------------------------------------- views' types

    /// @notice A job as stored, with its derived batch count.
    struct JobView {
        address requester;
        bytes32 specHash;
        uint256 units;
        uint256 batchSize;
        uint256 batches;
        uint256 chains;
        uint256 cuPerUnit;
        uint256 pricePerUnit;
        uint256 deadline;
        uint256 minAuditBps;
        DeviceClass minDeviceClass;
        uint256 status;
        uint256 escrow;
        uint256 lockedValue;
        uint256 auditReserve;
        uint256 bond;
        uint256 compensationPool;
        uint256 abandons;
    }

    /// @notice A batch attempt as stored.
    struct BatchView {
        BatchState state;
        uint256 attempt;
        uint256 flags;
        address node;
        uint256 deadline;
        uint256 anchorBlock;
        bytes32 digest;
        uint256 collateral;
        uint256 auditBps;
        uint256 units;
    }

    /// @notice Reason a batch attempt ended and the batch re-opened.
    enum ReopenReason {
        Expired,
        Abandoned,
        Withheld,
        StalePredecessor,
        PrimarySlashed
    }

    /// @notice How a dispute ended.
    enum DisputeOutcome {
        PrimaryWon,
        AuditorWon,
        Redrawn,
        Indeterminate
    }

    // ---------------------------------------------------------------- errors

    /// @notice Thrown when the protocol is paused and the call would create new work.
    error ProtocolPaused();
    /// @notice Thrown when a job id names no job.
    error UnknownJob(uint256 jobId);
    /// @notice Thrown when a batch index is outside the job.
    error BatchOutOfRange(uint256 jobId, uint256 batchIndex, uint256 batches);
    /// @notice Thrown when a job has no units.
    error ZeroUnits();
    /// @notice Thrown when the batch size is zero or above the protocol maximum.
    error BatchSizeOutOfRange(uint256 batchSize, uint256 maxBatchSize);
    /// @notice Thrown when the compute per unit is zero.
    error ZeroComputeUnits();
    /// @notice Thrown when the unit price is under `minPricePerCU * cuPerUnit`.
    error PriceBelowFloor(uint256 pricePerUnit, uint256 minimum);
    /// @notice Thrown when the total escrow is under the protocol minimum.
    error EscrowBelowMinimum(uint256 escrow, uint256 minimum);
    /// @notice Thrown when the requester bond is under the protocol minimum.
    error BondBelowMinimum(uint256 bond, uint256 minimum);
    /// @notice Thrown when the deadline is not in the future.
    error DeadlineInPast(uint256 deadline, uint256 nowTimestamp);
    /// @notice Thrown when the chain count is not below the batch count (or the job would have no chain work).
    error ChainsOutOfRange(uint256 chains, uint256 batches);
    /// @notice Thrown when the requester's audit floor is above 100%.
    error AuditFloorOutOfRange(uint256 minAuditBps);
    /// @notice Thrown when the caller is not the job's requester.
    error NotRequester(uint256 jobId, address caller);
    /// @notice Thrown when a job takes no new leases (cancelled, frozen, refunded or past its deadline).
    error JobClosed(uint256 jobId);
    /// @notice Thrown when a job can not be refunded yet (open, before its deadline).
    error JobStillOpen(uint256 jobId, uint256 deadline);
    /// @notice Thrown when a batch is not in the state the call needs.
    error WrongState(BatchRef ref, BatchState actual);
    /// @notice Thrown when the caller is not the batch's primary.
    error NotPrimary(BatchRef ref, address caller, address node);
    /// @notice Thrown when the node is not active in the registry (unregistered, jailed or under-staked).
    error NodeInactive(address node);
    /// @notice Thrown when the node's device class is under the job's minimum.
    error DeviceClassTooLow(address node, DeviceClass deviceClass, DeviceClass minimum);
    /// @notice Thrown when the node's sortition score is above its (possibly widened) threshold.
    error NotEligible(BatchRef ref, address node);
    /// @notice Thrown when the seed a draw needs is not mined yet.
    error SeedNotReady(BatchRef ref, uint256 seedBlock);
    /// @notice Thrown when a chained batch's predecessor has not revealed yet (or was rejected).
    error PredecessorNotRevealed(BatchRef ref, BatchState predecessorState);
    /// @notice Thrown when a chained batch's predecessor changed attempt since this lease.
    error StalePredecessor(BatchRef ref);
    /// @notice Thrown when a chained batch's predecessor is not accepted yet.
    error PredecessorNotAccepted(BatchRef ref);
    /// @notice Thrown when a call comes after its deadline.
    error DeadlinePassed(BatchRef ref, uint256 deadline);
    /// @notice Thrown when a keeper call comes before the deadline it enforces.
    error DeadlineNotReached(BatchRef ref, uint256 deadline);
    /// @notice Thrown when a revealed root and salt do not hash to the stored commitment.
    error CommitmentMismatch(BatchRef ref, bytes32 stored, bytes32 computed);
    /// @notice Thrown when parallel arrays differ in length.
    error LengthMismatch(uint256 a, uint256 b);
    /// @notice Thrown when a batch list is empty or longer than `MAX_BATCHES_PER_CALL`.
    error BatchListLength(uint256 length, uint256 max);
    /// @notice Thrown when the primary tries to reveal an audited batch before the auditor committed.
    error AuditPending(BatchRef ref);
    /// @notice Thrown when an audit call names a batch that is not audited.
    error NotAudited(BatchRef ref);
    /// @notice Thrown when the seat is held by another auditor whose window is still running.
    error SeatTaken(BatchRef ref, address auditor, uint256 seatDeadline);
    /// @notice Thrown when a node shares its owner with a party of the batch it would check.
    error SameOwner(address node, address owner);
    /// @notice Thrown when the caller does not hold the audit seat.
    error NotAuditor(BatchRef ref, address caller);
    /// @notice Thrown when a Merkle proof does not place a unit root in the primary's batch root.
    error InvalidProof(BatchRef ref, uint256 unitIndex);
    /// @notice Thrown when every committee seat of the round is taken.
    error CommitteeFull(BatchRef ref, uint256 seats);
    /// @notice Thrown when a node already sits on the committee, or its owner already has a seat.
    error AlreadyMember(BatchRef ref, address node);
    /// @notice Thrown when the caller holds no committee seat.
    error NotMember(BatchRef ref, address caller);
    /// @notice Thrown when a committee phase is not the current one.
    error WrongPhase(BatchRef ref, uint256 opensAt, uint256 closesAt);
    /// @notice Thrown when a committee vote or audit was already revealed.
    error AlreadyRevealed(BatchRef ref, address who);
    /// @notice Thrown when a chained batch is not stale.
    error NotStale(BatchRef ref);
    /// @notice Thrown when a batch is not orphaned: it has no chain predecessor (reported as `Accepted`, the
    /// state a chain head is treated as building on) or its predecessor did not end `Indeterminate`.
    error NotOrphaned(BatchRef ref, BatchState predecessorState);
    /// @notice Thrown when the caller has no credit to withdraw.
    error NothingToWithdraw(address account);

    // ---------------------------------------------------------------- events

    /// @notice Emitted after a job was created and its escrow pulled (`params` as posted).
    event JobCreated(uint256 indexed jobId, address indexed requester, bytes32 indexed specHash, JobParams params);
    /// @notice Emitted after the requester cancelled: open value refunded minus the fee.
    event JobCancelled(uint256 indexed jobId, uint256 refunded, uint256 fee);
    /// @notice Emitted after open value (and, once nothing is in flight, reserve, bond and pool) went back to the requester.
    event JobRefunded(uint256 indexed jobId, uint256 openValue, uint256 leftover, bool isFinal);
    /// @notice Emitted after a job froze on abandons by `abandoners` distinct owners; `perAbandoner` paid to each.
    event JobFrozen(uint256 indexed jobId, uint256 abandoners, uint256 perAbandoner);
    /// @notice Emitted after a node leased a batch.
    event BatchLeased(
        BatchRef indexed ref, address indexed node, uint256 attempt, uint256 leaseEnd, uint256 collateral, bool widened
    );
    /// @notice Emitted after the primary committed.
    event BatchCommitted(BatchRef indexed ref, address indexed node, uint256 attempt, bytes32 commitment);
    /// @notice Emitted after the audit of a commit was drawn and stored.
    event AuditDrawn(BatchRef indexed ref, uint256 attempt, bool audited, bool forced);
    /// @notice Emitted after an auditor took the seat (replacing `replaced` if non-zero).
    event AuditSeatClaimed(
        BatchRef indexed ref, address indexed auditor, uint256 unitIndex, uint256 seatDeadline, address replaced
    );
    /// @notice Emitted after the auditor committed its unit root.
    event AuditCommitted(BatchRef indexed ref, address indexed auditor, bytes32 commitment);
    /// @notice Emitted after the primary revealed its result root.
    event BatchRevealed(BatchRef indexed ref, address indexed node, uint256 attempt, bytes32 resultRoot);
    /// @notice Emitted after the auditor revealed; `matched` = its unit root is the primary's.
    event AuditRevealed(BatchRef indexed ref, address indexed auditor, bytes32 unitRoot, bool matched);
    /// @notice Emitted after a batch was accepted and paid; `cu` is the work accrued for emission (0 = fees only).
    event BatchAccepted(BatchRef indexed ref, address indexed node, uint256 attempt, uint256 paid, uint256 cu);
    /// @notice Emitted after an attempt ended and the batch re-opened as `attempt`.
    event BatchReopened(BatchRef indexed ref, uint256 attempt, ReopenReason reason);
    /// @notice Emitted after the primary abandoned (penalty-free) with a reason code.
    event BatchAbandoned(BatchRef indexed ref, address indexed node, bytes32 reason);
    /// @notice Emitted after a batch was refunded to the requester (indeterminate dispute, exhausted attempts, or
    /// an orphaned chain successor).
    event BatchRefunded(BatchRef indexed ref, uint256 value);
    /// @notice Emitted after a chained batch whose predecessor ended `Indeterminate` was closed `Indeterminate`;
    /// `node` is the primary of the ended attempt (zero if it was open), `compensation` what it got from the
    /// job's compensation pool.
    event BatchOrphaned(BatchRef indexed ref, address indexed node, uint256 attempt, uint256 compensation);
    /// @notice Emitted after a party was slashed for a withheld reveal.
    event RevealWithheld(BatchRef indexed ref, address indexed offender, uint256 slashed);
    /// @notice Emitted after a dispute round opened.
    event DisputeOpened(BatchRef indexed ref, uint256 attempt, uint256 round, uint256 anchorBlock);
    /// @notice Emitted after the primary proved its unit root.
    event UnitProven(BatchRef indexed ref, bytes32 unitRoot);
    /// @notice Emitted after a node took a committee seat with its commitment.
    event CommitteeJoined(BatchRef indexed ref, address indexed member, uint256 seat, bytes32 commitment);
    /// @notice Emitted after a committee member revealed.
    event VoteRevealed(BatchRef indexed ref, address indexed member, bytes32 unitRoot);
    /// @notice Emitted after a dispute round ended; `slashed` = burned + credited to winners.
    event DisputeResolved(BatchRef indexed ref, DisputeOutcome outcome, uint256 slashed, uint256 burned);
    /// @notice Emitted after an account withdrew its credit.
    event Withdrawn(address indexed account, uint256 amount);
}

/// @title IJobMarket
/// @notice Jobs, batches, leases, the commit / audit / reveal order of play, disputes and payment.
/// @dev A batch reference packs `(jobId << 32) | batchIndex` (see `BatchRefLib`). Commitments:
/// `keccak256(abi.encode(jobId, batchIndex, attempt, resultRoot, salt, node))`, and for a chained batch
/// (job `chains` = c > 0, batch b >= c continues batch b - c) the predecessor's revealed result root is
/// appended as a seventh field. Auditors and committee members commit their unit root with the same
/// six-field formula (their own address as `node`). All payments are credited in the contract and pulled
/// with `withdraw`. Every transition past a deadline can be triggered by anyone.
interface IJobMarket is IJobMarketTypes {
    // ---------------------------------------------------------------- requester

    /// @notice Posts a job and pulls its full escrow: `pricePerUnit * units + auditReserve + requesterBond`.
    /// @param params The job (see `JobParams`).
    /// @return jobId The new job's id (from 1).
    function createJob(JobParams calldata params) external returns (uint256 jobId);

    /// @notice `createJob` after an ERC-2612 permit for exactly the escrow.
    /// @param params The job.
    /// @param permitDeadline Permit expiry.
    /// @param v Signature v.
    /// @param r Signature r.
    /// @param s Signature s.
    /// @return jobId The new job's id.
    function createJobWithPermit(JobParams calldata params, uint256 permitDeadline, uint8 v, bytes32 r, bytes32 s)
        external
        returns (uint256 jobId);

    /// @notice Cancels a job: no new leases; the open value is refunded minus `cancelFeeBps` (to the treasury).
    /// Batches in flight finish normally; any that re-open later are refunded without fee.
    /// @param jobId The job.
    function cancel(uint256 jobId) external;

    /// @notice After the deadline (or cancel / freeze): refunds the open value; once nothing is in flight,
    /// also the unspent audit reserve, bond and compensation pool. Anyone may call; the requester is credited.
    /// @param jobId The job.
    function refund(uint256 jobId) external;

    // ---------------------------------------------------------------- miner

    /// @notice Leases open batches of one job to the caller (a node hot key), each if it is eligible by
    /// sortition. Locks collateral per batch in the registry.
    /// @param jobId The job.
    /// @param batchIndexes Batches to lease (at most `MAX_BATCHES_PER_CALL`).
    function leaseBatches(uint256 jobId, uint256[] calldata batchIndexes) external;

    /// @notice Commits result roots of leased batches before their lease ends.
    /// @param refs Batches.
    /// @param commitments One commitment per batch (see the contract header for the formula).
    function commit(BatchRef[] calldata refs, bytes32[] calldata commitments) external;

    /// @notice Reveals result roots. An unaudited batch is accepted (or verified, if a chained predecessor
    /// is not accepted yet); an audited one must wait for the auditor's commit.
    /// @param refs Batches.
    /// @param roots Result roots.
    /// @param salts Salts used in the commitments.
    function reveal(BatchRef[] calldata refs, bytes32[] calldata roots, bytes32[] calldata salts) external;

    /// @notice Gives a leased batch back without penalty. Abandons by `maxAbandons` distinct node owners freeze
    /// the job; an owner's later abandons of the same job are allowed but not counted again.
    /// @param ref The batch.
    /// @param reason Reason code (e.g. "overstated CU", "unavailable input").
    function abandon(BatchRef ref, bytes32 reason) external;

    // ---------------------------------------------------------------- keeper

    /// @notice Ends a lease whose deadline passed without a commit; the node's reputation drops.
    /// @param ref The batch.
    function expire(BatchRef ref) external;

    /// @notice Punishes a missing reveal past its deadline as a lost dispute (primary or auditor).
    /// @param ref The batch.
    function forfeit(BatchRef ref) external;

    /// @notice Stores the audit draw of a committed batch (a forced audit when the seed expired).
    /// @param ref The batch.
    function drawAudit(BatchRef ref) external;

    /// @notice Accepts a verified chained batch once its predecessor is accepted.
    /// @param ref The batch.
    function finalize(BatchRef ref) external;

    /// @notice Re-opens a chained batch whose predecessor changed attempt after it was leased; its node is
    /// compensated from the job's compensation pool.
    /// @param ref The batch.
    function reopenStale(BatchRef ref) external;

    /// @notice Closes a chained batch whose predecessor ended `Indeterminate`: nothing can be built on a state
    /// nobody verified, so the batch ends `Indeterminate` too, whatever it was doing (open, leased, committed,
    /// audited, revealed or verified; a `Disputed` batch resolves first). Its value returns to the requester
    /// (unless the job is closed and the batch was open: then it was refunded already), its primary's
    /// collateral and an audit seat holder's bond are unlocked, and its primary is compensated from the job's
    /// compensation pool like a stale successor (`reopenStale`), up to the batch's value. Its own successor is
    /// then orphaned in turn: a keeper walks the chain one call per batch.
    /// @param ref The batch.
    function closeOrphan(BatchRef ref) external;

    // ---------------------------------------------------------------- auditor

    /// @notice Takes the audit seat of an audited batch (sortition by window, never the primary's owner).
    /// Locks the challenge bond. A holder whose window passed without a commit is replaced.
    /// @param ref The batch.
    function claimAuditSeat(BatchRef ref) external;

    /// @notice Commits the auditor's unit root inside its seat window.
    /// @param ref The batch.
    /// @param commitment `keccak256(abi.encode(jobId, batchIndex, attempt, unitRoot, salt, auditor))`.
    function commitAudit(BatchRef ref, bytes32 commitment) external;

    /// @notice Reveals the auditor's unit root after the primary revealed. A proof that places it at the
    /// drawn index of the primary's root accepts the batch; anything else opens a dispute.
    /// @param ref The batch.
    /// @param unitRoot The auditor's unit root.
    /// @param salt Its salt.
    /// @param proof Merkle proof of `unitRoot` at the drawn index in the primary's root (empty = disagree).
    function revealAudit(BatchRef ref, bytes32 unitRoot, bytes32 salt, bytes32[] calldata proof) external;

    // ---------------------------------------------------------------- dispute

    /// @notice The primary (or anyone holding its data) proves the primary's unit root in a dispute.
    /// @param ref The batch.
    /// @param unitRoot The primary's unit root at the drawn index.
    /// @param proof Merkle proof against the primary's revealed root.
    function proveUnit(BatchRef ref, bytes32 unitRoot, bytes32[] calldata proof) external;

    /// @notice Takes a committee seat with a commitment to the caller's unit root (sortition, distinct owners,
    /// never the primary's or the auditor's owner). Locks the challenge bond.
    /// @param ref The batch.
    /// @param commitment `keccak256(abi.encode(jobId, batchIndex, attempt, unitRoot, salt, member))`.
    function joinCommittee(BatchRef ref, bytes32 commitment) external;

    /// @notice Reveals a committee vote in the reveal phase.
    /// @param ref The batch.
    /// @param unitRoot The member's unit root.
    /// @param salt Its salt.
    function revealVote(BatchRef ref, bytes32 unitRoot, bytes32 salt) external;

    /// @notice Counts the votes after the reveal phase and settles the dispute.
    /// @param ref The batch.
    function resolveDispute(BatchRef ref) external;

    // ---------------------------------------------------------------- everyone

    /// @notice Pays the caller its credited balance.
    /// @return amount The amount paid.
    function withdraw() external returns (uint256 amount);

    // ---------------------------------------------------------------- views

    /// @notice Most batches one call may touch.
    function MAX_BATCHES_PER_CALL() external view returns (uint256);

    /// @notice Number of seat windows after which an audit without committed auditor lapses.
    function AUDIT_SEAT_WINDOWS() external view returns (uint256);

    /// @notice The delegate-called modules serving audits and disputes (and most views).
    function modules() external view returns (address audits, address disputes);

    /// @notice Id the next job will get.
    function nextJobId() external view returns (uint256);

    /// @notice A job.
    function getJob(uint256 jobId) external view returns (JobView memory);

    /// @notice A batch's current attempt.
    function getBatch(BatchRef ref) external view returns (BatchView memory);

    /// @notice The audit record of the current attempt (zero if none).
    function getAudit(BatchRef ref)
        external
        view
        returns (address auditor, uint256 seatDeadline, uint256 seatStart, uint256 unitIndex, bool committed, bool revealed, bytes32 digest);

    /// @notice The dispute record of the current attempt (zero if none).
    function getDispute(BatchRef ref)
        external
        view
        returns (uint256 round, uint256 members, uint256 start, uint256 anchorBlock, bool primaryProven, bytes32 primaryUnitRoot);

    /// @notice Committee seat `seat` of the current round.
    function getMember(BatchRef ref, uint256 seat) external view returns (address node, bool revealed, bytes32 digest);

    /// @notice Whether `node` could lease the batch now, and whether only thanks to a widened threshold.
    function leaseEligibility(BatchRef ref, address node) external view returns (bool eligible, bool widened);

    /// @notice Whether `node` could claim the audit seat of the batch now.
    function seatEligibility(BatchRef ref, address node) external view returns (bool eligible);

    /// @notice Whether `node` could join the batch's dispute committee now.
    function committeeEligibility(BatchRef ref, address node) external view returns (bool eligible);

    /// @notice The audit draw of a committed batch as it stands: `ready` false until the seed block is mined;
    /// `forced` when the seed has expired.
    function auditDraw(BatchRef ref) external view returns (bool ready, bool audited, bool forced, uint256 unitIndex);

    /// @notice The commitment the market expects from `node` for the batch's current attempt and `root`
    /// (chained batches bind the predecessor's current root).
    function expectedCommitment(BatchRef ref, bytes32 root, bytes32 salt, address node) external view returns (bytes32);

    /// @notice Credited, not yet withdrawn balance of an account.
    function creditOf(address account) external view returns (uint256);

    /// @notice Escrow figures for conservation checks: token balance of the market ==
    /// priceEscrow + auditReserves + bonds + compensationPools + credited.
    function escrowTotals()
        external
        view
        returns (uint256 priceEscrow, uint256 auditReserves, uint256 bonds, uint256 compensationPools, uint256 credited);
}
