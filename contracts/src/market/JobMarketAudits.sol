// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {JobMarketModule} from "./JobMarketModule.sol";
import {IMAIToken} from "../interfaces/IMAIToken.sol";
import {IProtocolConfig} from "../interfaces/IProtocolConfig.sol";
import {INodeRegistry} from "../interfaces/INodeRegistry.sol";
import {IRewardEngine} from "../interfaces/IRewardEngine.sol";
import {IRandomness} from "../interfaces/IRandomness.sol";
import {Sortition} from "../libraries/Sortition.sol";
import {IndexedMerkle} from "../libraries/IndexedMerkle.sol";
import {MarketMath} from "../libraries/MarketMath.sol";
import {
    BatchRef,
    BatchState,
    BatchFlags,
    JobStatus,
    Job,
    Batch,
    Audit
} from "../libraries/JobMarketTypes.sol";

/// @title JobMarketAudits
/// @notice Audit half of the JobMarket, and every early end of an attempt: abandon, expiry, audit draws and
/// seats, auditor commit and reveal, withheld reveals, stale and orphaned chain successors; the batch and audit
/// views.
/// @dev Runs only through `delegatecall` from its JobMarket (see `JobMarketModule`).
contract JobMarketAudits is JobMarketModule {
    constructor(
        IMAIToken token_,
        IProtocolConfig config_,
        INodeRegistry registry_,
        IRewardEngine rewards_,
        IRandomness randomness_
    ) JobMarketModule(token_, config_, registry_, rewards_, randomness_) {}

    /// @dev See `IJobMarket`.
    function abandon(BatchRef ref, bytes32 reason) external onlyDelegated nonReentrant {
        Batch storage b = _batches[BatchRef.unwrap(ref)];
        if (b.state != BatchState.Leased) revert WrongState(ref, b.state);
        if (b.node != msg.sender) revert NotPrimary(ref, msg.sender, b.node);
        // Past its lease the batch is the keeper's to expire: abandoning then would dodge the expiry penalty.
        if (block.timestamp > b.deadline) revert DeadlinePassed(ref, b.deadline);
        uint256 jobId = ref.jobId();
        Job storage job = _jobs[jobId];
        uint256 collateral = b.collateral;
        emit BatchAbandoned(ref, msg.sender, reason);
        _reopen(ref, job, b, ReopenReason.Abandoned);
        uint256 maxAbandons = _config.marketParams().maxAbandons;
        // The freeze stands for independent nodes finding the spec unrunnable: an owner (whatever number of
        // nodes or leases it holds) counts once and earns at most one share; its later abandons only give
        // the lease back.
        address owner = _registry.ownerOf(msg.sender);
        if (job.status & JobStatus.CLOSED == 0 && maxAbandons != 0 && !_abandonedBy[jobId][owner]) {
            _abandonedBy[jobId][owner] = true;
            uint256 n = job.abandons;
            _abandoners[jobId][n] = owner;
            job.abandons = uint16(n + 1);
            if (n + 1 >= maxAbandons) _freeze(jobId, job, n + 1);
        }
        _registry.unlockCollateral(msg.sender, collateral);
    }

    /// @dev See `IJobMarket`.
    function expire(BatchRef ref) external onlyDelegated nonReentrant {
        Batch storage b = _batches[BatchRef.unwrap(ref)];
        if (b.state != BatchState.Leased) revert WrongState(ref, b.state);
        if (block.timestamp <= b.deadline) revert DeadlineNotReached(ref, b.deadline);
        address node = b.node;
        uint256 collateral = b.collateral;
        _reopen(ref, _jobs[ref.jobId()], b, ReopenReason.Expired);
        _registry.unlockCollateral(node, collateral);
        _registry.recordExpired(node);
    }

    /// @dev See `IJobMarket`.
    function forfeit(BatchRef ref) external onlyDelegated nonReentrant {
        Batch storage b = _batches[BatchRef.unwrap(ref)];
        BatchState state = b.state;
        if (state == BatchState.Committed) {
            if (b.flags & BatchFlags.DRAWN == 0) {
                (bool ready, bool audited,,) = _evaluateDraw(ref, b);
                if (!ready) revert SeedNotReady(ref, uint256(b.anchorBlock) + 1);
                if (audited) revert AuditPending(ref);
            }
            if (block.timestamp <= b.deadline) revert DeadlineNotReached(ref, b.deadline);
            _forfeitPrimary(ref, b, address(0));
        } else if (state == BatchState.AuditSeated) {
            // The audit lapsed (no auditor committed) and the primary still did not reveal.
            IProtocolConfig.MarketParams memory mp = _config.marketParams();
            Audit storage a = _audits[_attemptKey(ref, b.attempt)];
            uint256 due = uint256(a.seatStart) + SEAT_WINDOWS * mp.auditWindow + mp.revealWindow;
            if (block.timestamp <= due) revert DeadlineNotReached(ref, due);
            address holder = a.auditor;
            if (holder != address(0)) _registry.unlockCollateral(holder, mp.challengeBond);
            _forfeitPrimary(ref, b, address(0));
        } else if (state == BatchState.AuditCommitted) {
            if (block.timestamp <= b.deadline) revert DeadlineNotReached(ref, b.deadline);
            _forfeitPrimary(ref, b, _audits[_attemptKey(ref, b.attempt)].auditor);
        } else if (state == BatchState.Revealed) {
            if (block.timestamp <= b.deadline) revert DeadlineNotReached(ref, b.deadline);
            _forfeitAuditor(ref, b);
        } else {
            revert WrongState(ref, state);
        }
    }

    /// @dev See `IJobMarket`.
    function drawAudit(BatchRef ref) external onlyDelegated nonReentrant {
        Batch storage b = _batches[BatchRef.unwrap(ref)];
        if (b.state != BatchState.Committed || b.flags & BatchFlags.DRAWN != 0) revert WrongState(ref, b.state);
        _storeDraw(ref, b);
    }

    /// @dev See `IJobMarket`.
    function reopenStale(BatchRef ref) external onlyDelegated nonReentrant {
        Batch storage b = _batches[BatchRef.unwrap(ref)];
        BatchState state = b.state;
        if (
            state == BatchState.Open || state == BatchState.Disputed || state == BatchState.Accepted
                || state == BatchState.Indeterminate
        ) revert WrongState(ref, state);
        Job storage job = _jobs[ref.jobId()];
        uint256 chains = job.chains;
        uint256 index = ref.index();
        if (chains == 0 || index < chains) revert NotStale(ref);
        if (_batches[BatchRef.unwrap(ref) - chains].attempt == b.predAttempt) revert NotStale(ref);
        address node = b.node;
        uint256 collateral = b.collateral;
        Audit storage a = _audits[_attemptKey(ref, b.attempt)];
        // The seat holder's bond is still locked until the audit ends (it is released on a match).
        address auditor = state >= BatchState.AuditSeated && state <= BatchState.Revealed ? a.auditor : address(0);
        uint256 value = MarketMath.batchUnits(job.units, job.batchSize, index) * job.pricePerUnit;
        uint256 pool = job.compensationPool;
        uint256 compensation = pool < value ? pool : value;
        job.compensationPool = uint128(pool - compensation);
        _totalPools -= compensation;
        _reopen(ref, job, b, ReopenReason.StalePredecessor);
        _registry.unlockCollateral(node, collateral);
        if (auditor != address(0)) _registry.unlockCollateral(auditor, _config.marketParams().challengeBond);
        if (compensation != 0) _credit(_registry.ownerOf(node), compensation);
    }

    /// @dev See `IJobMarket`. A predecessor that ended `Indeterminate` never changes attempt and never becomes
    /// `Accepted`, so without this a successor would wait in `Verified` (or open, unleasable) forever.
    function closeOrphan(BatchRef ref) external onlyDelegated nonReentrant {
        Batch storage b = _batches[BatchRef.unwrap(ref)];
        BatchState state = b.state;
        // A dispute in progress holds committee bonds: it resolves first (to Verified, Open or Indeterminate).
        if (state == BatchState.Disputed || state >= BatchState.Accepted) revert WrongState(ref, state);
        Job storage job = _jobs[ref.jobId()];
        uint256 chains = job.chains;
        if (chains == 0 || ref.index() < chains) revert NotOrphaned(ref, BatchState.Accepted);
        BatchState predState = _batches[BatchRef.unwrap(ref) - chains].state;
        if (predState != BatchState.Indeterminate) revert NotOrphaned(ref, predState);
        uint256 value = _unitsOf(ref) * job.pricePerUnit;
        address node = b.node;
        uint256 compensation;
        b.state = BatchState.Indeterminate;
        if (state == BatchState.Open) {
            // On a closed job the open value went back to the requester when it closed.
            if (job.status & JobStatus.CLOSED == 0) _refundBatch(ref, job, value);
        } else {
            uint256 pool = job.compensationPool;
            compensation = pool < value ? pool : value;
            job.compensationPool = uint128(pool - compensation);
            _totalPools -= compensation;
            job.lockedValue -= uint128(value);
            _refundBatch(ref, job, value);
            _registry.unlockCollateral(node, b.collateral);
            // The seat holder's bond is still locked until the audit ends (it is released on a match).
            if (state >= BatchState.AuditSeated && state <= BatchState.Revealed) {
                address auditor = _audits[_attemptKey(ref, b.attempt)].auditor;
                if (auditor != address(0)) _registry.unlockCollateral(auditor, _config.marketParams().challengeBond);
            }
            if (compensation != 0) _credit(_registry.ownerOf(node), compensation);
        }
        emit BatchOrphaned(ref, node, b.attempt, compensation);
        if (job.escrow == 0 || (job.status & JobStatus.CLOSED != 0 && job.lockedValue == 0)) _finishJob(job);
    }

    /// @dev See `IJobMarket`.
    function claimAuditSeat(BatchRef ref) external onlyDelegated nonReentrant {
        Batch storage b = _batches[BatchRef.unwrap(ref)];
        if (b.state == BatchState.Committed && b.flags & BatchFlags.DRAWN == 0) {
            if (!_storeDraw(ref, b)) revert NotAudited(ref);
            // A forced draw seats from the next block's seed: this call only stored it.
            if (b.flags & BatchFlags.FORCED != 0) return;
        }
        if (b.state != BatchState.AuditSeated) revert WrongState(ref, b.state);
        IProtocolConfig.MarketParams memory mp = _config.marketParams();
        Job storage job = _jobs[ref.jobId()];
        Audit storage a = _audits[_attemptKey(ref, b.attempt)];
        address replaced = a.auditor;
        if (replaced != address(0) && block.timestamp <= a.seatDeadline) {
            revert SeatTaken(ref, replaced, a.seatDeadline);
        }
        bytes32 seed = _seedAt(ref, _seedBlockFor(ref, b.anchorBlock));
        _checkSeatEligible(ref, job, b, a, seed, msg.sender, mp);
        if (!a.unitDrawn) {
            (, uint256 unit) = Sortition.drawAudit(_auditSeed(seed, ref, b.attempt), 0, _unitsOf(ref));
            a.unitIndex = uint16(unit);
            a.unitDrawn = true;
        }
        uint256 seatDeadline = block.timestamp + mp.auditWindow;
        a.auditor = msg.sender;
        a.seatDeadline = uint32(seatDeadline);
        emit AuditSeatClaimed(ref, msg.sender, a.unitIndex, seatDeadline, replaced);
        if (replaced != address(0)) {
            _registry.unlockCollateral(replaced, mp.challengeBond);
            _registry.recordExpired(replaced);
        }
        _registry.lockCollateral(msg.sender, mp.challengeBond);
    }

    /// @dev See `IJobMarket`.
    function commitAudit(BatchRef ref, bytes32 commitment_) external onlyDelegated nonReentrant {
        Batch storage b = _batches[BatchRef.unwrap(ref)];
        if (b.state != BatchState.AuditSeated) revert WrongState(ref, b.state);
        Audit storage a = _audits[_attemptKey(ref, b.attempt)];
        if (a.auditor != msg.sender) revert NotAuditor(ref, msg.sender);
        if (block.timestamp > a.seatDeadline) revert DeadlinePassed(ref, a.seatDeadline);
        a.digest = commitment_;
        a.committed = true;
        b.state = BatchState.AuditCommitted;
        b.deadline = uint32(block.timestamp + _config.marketParams().revealWindow);
        emit AuditCommitted(ref, msg.sender, commitment_);
    }

    /// @dev See `IJobMarket`.
    function revealAudit(BatchRef ref, bytes32 unitRoot, bytes32 salt, bytes32[] calldata proof)
        external
        onlyDelegated
        nonReentrant
    {
        Batch storage b = _batches[BatchRef.unwrap(ref)];
        if (b.state != BatchState.Revealed) revert WrongState(ref, b.state);
        Audit storage a = _audits[_attemptKey(ref, b.attempt)];
        if (a.auditor != msg.sender) revert NotAuditor(ref, msg.sender);
        if (block.timestamp > b.deadline) revert DeadlinePassed(ref, b.deadline);
        _checkUnitCommitment(ref, b.attempt, unitRoot, salt, a.digest);
        a.digest = unitRoot;
        a.revealed = true;
        // An empty proof is the auditor's "I disagree / could not get the data" signal, and it can only
        // verify for a one-unit batch whose root is exactly the leaf of the auditor's own unit root: that
        // is agreement, not a dispute (requiring a non-empty proof there opened a dispute on every honest
        // audit of a one-unit batch, e.g. every chained training unit).
        bool matched = IndexedMerkle.verify(b.digest, a.unitIndex, unitRoot, proof);
        emit AuditRevealed(ref, msg.sender, unitRoot, matched);
        IProtocolConfig.MarketParams memory mp = _config.marketParams();
        if (!matched) {
            b.state = BatchState.Disputed;
            _openDisputeRound(ref, b, 1, mp);
            return;
        }
        Job storage job = _jobs[ref.jobId()];
        b.flags |= BatchFlags.AUDIT_PASSED;
        _payChecker(job, msg.sender);
        _registry.unlockCollateral(msg.sender, mp.challengeBond);
        Tally memory t;
        t.node = b.node;
        _acceptOrVerify(ref, job, b, mp, t);
        _flush(t);
    }

    // ================================================================ views

    /// @dev See `IJobMarket`.
    function getBatch(BatchRef ref) external view returns (BatchView memory v) {
        Batch storage b = _batches[BatchRef.unwrap(ref)];
        Job storage j = _jobs[ref.jobId()];
        v.state = b.state;
        v.attempt = b.attempt;
        v.flags = b.flags;
        v.node = b.node;
        v.deadline = b.deadline;
        v.anchorBlock = b.anchorBlock == 0 ? j.createdBlock : b.anchorBlock;
        v.digest = b.digest;
        v.collateral = b.collateral;
        v.auditBps = b.auditBps;
        v.units = j.batchSize == 0 ? 0 : MarketMath.batchUnits(j.units, j.batchSize, ref.index());
    }

    /// @dev See `IJobMarket`.
    function getAudit(BatchRef ref)
        external
        view
        returns (
            address auditor,
            uint256 seatDeadline,
            uint256 seatStart,
            uint256 unitIndex,
            bool committed,
            bool revealed,
            bytes32 digest
        )
    {
        Audit storage a = _audits[_attemptKey(ref, _batches[BatchRef.unwrap(ref)].attempt)];
        return (a.auditor, a.seatDeadline, a.seatStart, a.unitIndex, a.committed, a.revealed, a.digest);
    }

    /// @dev See `IJobMarket`.
    function auditDraw(BatchRef ref) external view returns (bool ready, bool audited, bool forced, uint256 unitIndex) {
        Batch storage b = _batches[BatchRef.unwrap(ref)];
        BatchState s = b.state;
        if (s == BatchState.Committed && b.flags & BatchFlags.DRAWN == 0) return _evaluateDraw(ref, b);
        if (s == BatchState.Committed) return (true, false, false, 0);
        if (s >= BatchState.AuditSeated && s <= BatchState.Disputed) {
            Audit storage a = _audits[_attemptKey(ref, b.attempt)];
            return (a.unitDrawn, true, b.flags & BatchFlags.FORCED != 0, a.unitIndex);
        }
        return (false, false, false, 0);
    }

    /// @dev See `IJobMarket`.
    function seatEligibility(BatchRef ref, address node) external view returns (bool) {
        Batch storage b = _batches[BatchRef.unwrap(ref)];
        uint256 seatStart;
        if (b.state == BatchState.Committed && b.flags & BatchFlags.DRAWN == 0) {
            // Not stored yet: a normal audited draw would open window 0 now; a forced one seats only later.
            (bool ready, bool audited, bool forced,) = _evaluateDraw(ref, b);
            if (!ready || !audited || forced) return false;
            seatStart = block.timestamp;
        } else if (b.state == BatchState.AuditSeated) {
            seatStart = _audits[_attemptKey(ref, b.attempt)].seatStart;
        } else {
            return false;
        }
        uint256 sb = MarketMath.rollingSeedBlock(b.anchorBlock, block.number);
        if (sb == 0) return false;
        (bytes32 seed, bool ok) = _randomness.seedAt(sb);
        if (!ok) return false;
        return _seatEligible(ref, _jobs[ref.jobId()], b, seatStart, seed, node, _config.marketParams());
    }

    /// @dev See `IJobMarket`.
    function expectedCommitment(BatchRef ref, bytes32 root, bytes32 salt, address node)
        external
        view
        returns (bytes32)
    {
        return _expectedCommitment(ref, _batches[BatchRef.unwrap(ref)], root, salt, node);
    }
}
