// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IJobMarketTypes} from "../interfaces/IJobMarket.sol";
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
    BatchRefLib,
    BatchState,
    BatchFlags,
    JobStatus,
    JobParams,
    Job,
    Batch,
    Audit,
    Dispute,
    Member
} from "../libraries/JobMarketTypes.sol";

/// @title JobMarketStorage
/// @notice Storage, wiring and shared internal logic of the JobMarket and its two modules.
/// @dev The market (`JobMarket`) and its modules (`JobMarketAudits`, `JobMarketDisputes`) all inherit this
/// contract, so their storage layouts are identical; the market delegate-calls the modules for the audit and
/// dispute entry points (one contract would exceed the 24 KiB code-size limit). Invariant: the market's MAI balance equals the
/// sum over jobs of (price escrow + audit reserve + bond + compensation pool) plus all credited, unwithdrawn
/// balances; `escrowTotals()` exposes each term. Slashed stake arrives from the registry and leaves in the
/// same call (half burned, half credited); fee burns leave at the end of the call that accepted the
/// batches. Every rule with numbers lives in `MarketMath`, `Sortition` and `IndexedMerkle`. Loops run only
/// over caller-supplied arrays (at most `MAX_BATCHES_PER_CALL`) or committee seats (at most
/// `MAX_COMMITTEE_SEATS`).
abstract contract JobMarketStorage is IJobMarketTypes, ReentrancyGuard {
    using SafeERC20 for IERC20;

    /// @notice Most batches one call may touch.
    uint256 internal constant MAX_BATCHES = 64;
    /// @notice Seat windows after which an audit without committed auditor lapses.
    uint256 internal constant SEAT_WINDOWS = 8;
    /// @notice Most committee seats a dispute round holds, whatever the configured committee size.
    uint256 internal constant MAX_COMMITTEE_SEATS = 15;
    /// @dev Committees widen their threshold four times per phase so seats fill within the window.
    uint256 internal constant COMMITTEE_WIDENINGS = 4;
    uint256 internal constant BPS = 10_000;

    IMAIToken internal immutable _token;
    IProtocolConfig internal immutable _config;
    INodeRegistry internal immutable _registry;
    IRewardEngine internal immutable _rewards;
    IRandomness internal immutable _randomness;

    uint256 internal _nextJobId = 1;
    mapping(uint256 jobId => Job) internal _jobs;
    mapping(uint256 ref => Batch) internal _batches;
    mapping(uint256 attemptKey => Audit) internal _audits;
    mapping(uint256 attemptKey => Dispute) internal _disputes;
    mapping(uint256 roundKey => mapping(uint256 seat => Member)) internal _members;
    /// @dev The distinct owners whose nodes abandoned a live job, in order (`job.abandons` of them).
    mapping(uint256 jobId => mapping(uint256 i => address owner)) internal _abandoners;
    /// @dev Whether an owner (through any of its nodes) is already among a job's `_abandoners`.
    mapping(uint256 jobId => mapping(address owner => bool)) internal _abandonedBy;
    mapping(address account => uint256) internal _credits;

    uint256 internal _totalPriceEscrow;
    uint256 internal _totalReserves;
    uint256 internal _totalBonds;
    uint256 internal _totalPools;
    uint256 internal _totalCredits;

    /// @dev What one call owes a primary once its batches are settled; flushed in one go (one unlock, one
    /// accrual, one credit, one burn per call instead of one per batch).
    struct Tally {
        address node;
        uint256 unlock;
        uint256 cu;
        uint256 credit;
        uint256 treasury;
        uint256 burn;
    }

    /// @dev What a lease call knows about its node, computed once per call.
    struct LeaseCtx {
        IProtocolConfig.MarketParams mp;
        uint256 weight;
        uint256 totalWeight;
        uint256 auditBps;
        uint256 stake;
        uint256 capacity;
        uint256 seedBlock;
        bytes32 seed;
        uint256 totalCollateral;
    }

    /// @dev The result of counting a dispute round.
    struct Count {
        uint256 votesAuditor;
        uint256 votesPrimary;
        uint256 seats;
        bytes32 auditorRoot;
        bytes32 primaryRoot;
        bool primaryProven;
    }

    constructor(
        IMAIToken token_,
        IProtocolConfig config_,
        INodeRegistry registry_,
        IRewardEngine rewards_,
        IRandomness randomness_
    ) {
        _token = token_;
        _config = config_;
        _registry = registry_;
        _rewards = rewards_;
        _randomness = randomness_;
    }

    // ================================================================ internal: jobs

    function _createJob(JobParams calldata p) internal returns (uint256 jobId) {
        if (_config.paused()) revert ProtocolPaused();
        IProtocolConfig.MarketParams memory mp = _config.marketParams();
        if (p.units == 0) revert ZeroUnits();
        if (p.batchSize == 0 || p.batchSize > mp.maxBatchSize) revert BatchSizeOutOfRange(p.batchSize, mp.maxBatchSize);
        if (p.cuPerUnit == 0) revert ZeroComputeUnits();
        uint256 floor = uint256(mp.minPricePerCU) * p.cuPerUnit;
        if (p.pricePerUnit < floor) revert PriceBelowFloor(p.pricePerUnit, floor);
        if (p.requesterBond < mp.minRequesterBond) revert BondBelowMinimum(p.requesterBond, mp.minRequesterBond);
        if (p.deadline <= block.timestamp) revert DeadlineInPast(p.deadline, block.timestamp);
        if (p.minAuditBps > BPS) revert AuditFloorOutOfRange(p.minAuditBps);
        uint256 batches = MarketMath.batchCount(p.units, p.batchSize);
        if (p.chains > batches) revert ChainsOutOfRange(p.chains, batches);
        uint256 priceEscrow = uint256(p.pricePerUnit) * p.units;
        uint256 total = priceEscrow + p.auditReserve + p.requesterBond;
        if (total < mp.minEscrow) revert EscrowBelowMinimum(total, mp.minEscrow);

        jobId = _nextJobId++;
        Job storage job = _jobs[jobId];
        job.requester = msg.sender;
        job.units = p.units;
        job.batchSize = p.batchSize;
        job.chains = p.chains;
        job.minDeviceClass = p.minDeviceClass;
        job.minAuditBps = p.minAuditBps;
        job.specHash = p.specHash;
        job.cuPerUnit = p.cuPerUnit;
        job.pricePerUnit = p.pricePerUnit;
        job.deadline = p.deadline;
        job.createdAt = uint32(block.timestamp);
        job.createdBlock = uint32(block.number);
        job.escrow = uint128(priceEscrow);
        job.auditReserve = p.auditReserve;
        job.bond = p.requesterBond;
        _totalPriceEscrow += priceEscrow;
        _totalReserves += p.auditReserve;
        _totalBonds += p.requesterBond;
        emit JobCreated(jobId, msg.sender, p.specHash, p);
        IERC20(address(_token)).safeTransferFrom(msg.sender, address(this), total);
    }

    function _job(uint256 jobId) internal view returns (Job storage job) {
        job = _jobs[jobId];
        if (job.requester == address(0)) revert UnknownJob(jobId);
    }

    function _ref(uint256 jobId, Job storage job, uint256 index) internal view returns (BatchRef) {
        uint256 batches = MarketMath.batchCount(job.units, job.batchSize);
        if (index >= batches) revert BatchOutOfRange(jobId, index, batches);
        return BatchRefLib.pack(jobId, index);
    }

    function _leaseOne(uint256 jobId, Job storage job, uint256 index, LeaseCtx memory ctx) internal {
        BatchRef ref = _ref(jobId, job, index);
        Batch storage b = _batches[BatchRef.unwrap(ref)];
        if (b.state != BatchState.Open) revert WrongState(ref, b.state);
        uint8 predAttempt = _predecessorForLease(job, ref);
        bool widened = _checkLeaseEligible(ref, job, b, ctx);
        uint256 units = MarketMath.batchUnits(job.units, job.batchSize, index);
        uint256 value = units * job.pricePerUnit;
        uint256 collateral = MarketMath.collateral(ctx.stake, ctx.mp.slashBps, value, ctx.auditBps);
        ctx.totalCollateral += collateral;
        uint256 leaseEnd = block.timestamp + _leaseDuration(units * job.cuPerUnit, ctx);
        b.state = BatchState.Leased;
        b.flags = widened ? BatchFlags.WIDENED : 0;
        b.predAttempt = predAttempt;
        b.node = msg.sender;
        b.deadline = uint32(leaseEnd);
        b.anchorBlock = uint32(block.number);
        b.collateral = uint96(collateral);
        b.auditBps = uint16(ctx.auditBps);
        job.lockedValue += uint128(value);
        emit BatchLeased(ref, msg.sender, b.attempt, leaseEnd, collateral, widened);
    }

    function _leaseDuration(uint256 cu, LeaseCtx memory ctx) internal pure returns (uint256) {
        return MarketMath.leaseDuration(cu, ctx.capacity, ctx.mp.minLeaseDuration, ctx.mp.maxLeaseDuration);
    }

    /// @dev Reverts unless the caller is eligible for the batch; returns whether only by widening.
    function _checkLeaseEligible(BatchRef ref, Job storage job, Batch storage b, LeaseCtx memory ctx)
        internal
        view
        returns (bool widened)
    {
        (uint256 anchor, uint256 openedAt) = _openedAt(job, b);
        uint256 sb = _seedBlockFor(ref, anchor);
        if (sb != ctx.seedBlock) {
            ctx.seedBlock = sb;
            ctx.seed = _seedAt(ref, sb);
        }
        bool eligible;
        (eligible, widened) = Sortition.checkLease(
            keccak256(abi.encode(ctx.seed, ref, b.attempt)),
            msg.sender,
            ctx.mp.sortitionK,
            ctx.weight,
            ctx.totalWeight,
            block.timestamp - openedAt,
            ctx.mp.widenPeriod
        );
        if (!eligible) revert NotEligible(ref, msg.sender);
    }

    /// @dev Anchor block and open time of an open batch: the job's creation for a never-touched batch,
    /// otherwise its last re-open.
    function _openedAt(Job storage job, Batch storage b) internal view returns (uint256 anchor, uint256 openedAt) {
        if (b.anchorBlock == 0) return (job.createdBlock, job.createdAt);
        return (b.anchorBlock, b.deadline);
    }

    /// @dev Takes `value` out of a job's price escrow (payment or refund; the caller moves the tokens' claim).
    function _releaseEscrow(Job storage job, uint256 value) internal {
        job.escrow -= uint128(value);
        _totalPriceEscrow -= value;
    }

    /// @dev Returns the unspent reserve, bond and compensation pool to the requester once nothing is in flight.
    function _finishJob(Job storage job) internal returns (uint256 leftover) {
        if (job.status & JobStatus.FINAL != 0) return 0;
        uint256 reserve = job.auditReserve;
        uint256 bond = job.bond;
        uint256 pool = job.compensationPool;
        job.auditReserve = 0;
        job.bond = 0;
        job.compensationPool = 0;
        job.status |= JobStatus.FINAL | JobStatus.CLOSED;
        _totalReserves -= reserve;
        _totalBonds -= bond;
        _totalPools -= pool;
        leftover = reserve + bond + pool;
        _credit(job.requester, leftover);
        if (job.escrow != 0) {
            // Closed with open value already refunded; nothing else remains, but keep the books exact.
            uint256 rest = job.escrow;
            _releaseEscrow(job, rest);
            _credit(job.requester, rest);
            leftover += rest;
        }
    }

    /// @dev Freezes a job after abandons by `abandoners` distinct owners: no new leases, open value refunded,
    /// the bond shared equally by those owners (division dust stays in the bond and returns with it).
    function _freeze(uint256 jobId, Job storage job, uint256 abandoners) internal {
        job.status |= JobStatus.FROZEN | JobStatus.CLOSED;
        uint256 openValue = job.escrow - job.lockedValue;
        _releaseEscrow(job, openValue);
        _credit(job.requester, openValue);
        uint256 per = job.bond / abandoners;
        job.bond -= uint128(per * abandoners);
        _totalBonds -= per * abandoners;
        for (uint256 i; i < abandoners; ++i) {
            _credit(_abandoners[jobId][i], per);
        }
        emit JobFrozen(jobId, abandoners, per);
        if (job.lockedValue == 0) _finishJob(job);
    }

    // ================================================================ internal: batches

    /// @dev For a chained batch, requires the predecessor to have revealed and returns its attempt.
    function _predecessorForLease(Job storage job, BatchRef ref) internal view returns (uint8) {
        uint256 chains = job.chains;
        if (chains == 0 || ref.index() < chains) return 0;
        Batch storage pred = _batches[BatchRef.unwrap(ref) - chains];
        BatchState s = pred.state;
        if (s != BatchState.Revealed && s != BatchState.Disputed && s != BatchState.Verified && s != BatchState.Accepted)
        {
            revert PredecessorNotRevealed(ref, s);
        }
        return pred.attempt;
    }

    function _checkPredecessorCurrent(BatchRef ref, Batch storage b) internal view {
        uint256 chains = _jobs[ref.jobId()].chains;
        if (chains == 0 || ref.index() < chains) return;
        if (_batches[BatchRef.unwrap(ref) - chains].attempt != b.predAttempt) revert StalePredecessor(ref);
    }

    function _predecessorAccepted(Job storage job, BatchRef ref) internal view returns (bool) {
        uint256 chains = job.chains;
        if (chains == 0 || ref.index() < chains) return true;
        return _batches[BatchRef.unwrap(ref) - chains].state == BatchState.Accepted;
    }

    function _expectedCommitment(BatchRef ref, Batch storage b, bytes32 root, bytes32 salt, address node)
        internal
        view
        returns (bytes32)
    {
        uint256 chains = _jobs[ref.jobId()].chains;
        if (chains == 0 || ref.index() < chains) {
            return MarketMath.commitment(ref.jobId(), ref.index(), b.attempt, root, salt, node);
        }
        bytes32 predRoot = _batches[BatchRef.unwrap(ref) - chains].digest;
        return MarketMath.chainedCommitment(ref.jobId(), ref.index(), b.attempt, root, salt, node, predRoot);
    }

    function _revealOne(
        BatchRef ref,
        bytes32 root,
        bytes32 salt,
        IProtocolConfig.MarketParams memory mp,
        Tally memory t
    ) internal {
        Batch storage b = _batches[BatchRef.unwrap(ref)];
        if (b.node != msg.sender) revert NotPrimary(ref, msg.sender, b.node);
        BatchState state = b.state;
        bool lapsed;
        if (state == BatchState.Committed) {
            if (block.timestamp > b.deadline) revert DeadlinePassed(ref, b.deadline);
            if (b.flags & BatchFlags.DRAWN == 0) {
                (bool ready, bool audited,,) = _evaluateDraw(ref, b);
                if (!ready) revert SeedNotReady(ref, uint256(b.anchorBlock) + 1);
                if (audited) revert AuditPending(ref);
            }
        } else if (state == BatchState.AuditCommitted) {
            if (block.timestamp > b.deadline) revert DeadlinePassed(ref, b.deadline);
        } else if (state == BatchState.AuditSeated) {
            Audit storage a = _audits[_attemptKey(ref, b.attempt)];
            // An audit no auditor committed to within every seat window lapses: fees only, no reputation.
            if (block.timestamp < uint256(a.seatStart) + SEAT_WINDOWS * mp.auditWindow) revert AuditPending(ref);
            if (a.auditor != address(0)) _registry.unlockCollateral(a.auditor, mp.challengeBond);
            lapsed = true;
        } else {
            revert WrongState(ref, state);
        }
        _checkPredecessorCurrent(ref, b);
        bytes32 computed = _expectedCommitment(ref, b, root, salt, msg.sender);
        if (computed != b.digest) revert CommitmentMismatch(ref, b.digest, computed);
        b.digest = root;
        emit BatchRevealed(ref, msg.sender, b.attempt, root);
        _openSuccessor(ref);
        if (state == BatchState.AuditCommitted) {
            b.state = BatchState.Revealed;
            b.deadline = uint32(block.timestamp + mp.revealWindow);
            return;
        }
        if (lapsed) b.flags |= BatchFlags.AUDIT_LAPSED;
        _acceptOrVerify(ref, _jobs[ref.jobId()], b, mp, t);
    }

    /// @dev A chained batch's successor becomes leasable when this batch reveals: its sortition seed and
    /// widening clock start now (a seed from a later block), not at job creation.
    function _openSuccessor(BatchRef ref) internal {
        Job storage job = _jobs[ref.jobId()];
        uint256 chains = job.chains;
        if (chains == 0 || ref.index() + chains >= MarketMath.batchCount(job.units, job.batchSize)) return;
        Batch storage next = _batches[BatchRef.unwrap(ref) + chains];
        if (next.state != BatchState.Open) return;
        next.anchorBlock = uint32(block.number);
        next.deadline = uint32(block.timestamp);
    }

    /// @dev Accepts a checked batch, or parks it as `Verified` while a chain predecessor is not accepted.
    function _acceptOrVerify(
        BatchRef ref,
        Job storage job,
        Batch storage b,
        IProtocolConfig.MarketParams memory mp,
        Tally memory t
    ) internal {
        if (!_predecessorAccepted(job, ref)) {
            b.state = BatchState.Verified;
            return;
        }
        _settleAccepted(ref, job, b, mp, t);
    }

    /// @dev Pays an accepted batch to its primary (through the tally) and records reputation.
    function _settleAccepted(
        BatchRef ref,
        Job storage job,
        Batch storage b,
        IProtocolConfig.MarketParams memory mp,
        Tally memory t
    ) internal {
        uint256 units = MarketMath.batchUnits(job.units, job.batchSize, ref.index());
        uint256 value = units * job.pricePerUnit;
        (uint256 toMiner, uint256 burned, uint256 toTreasury) =
            MarketMath.feeSplit(value, mp.protocolFeeBps, mp.feeBurnBps);
        uint8 flags = b.flags;
        address node = b.node;
        b.state = BatchState.Accepted;
        job.lockedValue -= uint128(value);
        _releaseEscrow(job, value);
        t.credit += toMiner;
        t.treasury += toTreasury;
        t.burn += burned;
        t.unlock += b.collateral;
        uint256 cu = flags & (BatchFlags.WIDENED | BatchFlags.AUDIT_LAPSED) == 0 ? units * job.cuPerUnit : 0;
        t.cu += cu;
        emit BatchAccepted(ref, node, b.attempt, toMiner, cu);
        if (flags & BatchFlags.AUDIT_PASSED != 0) _registry.recordAuditPassed(node);
        else if (flags & BatchFlags.AUDIT_LAPSED == 0) _registry.recordAccepted(node);
        if (job.escrow == 0) _finishJob(job);
    }

    /// @dev Ends the current attempt and opens the next one (or refunds the batch if the job is closed
    /// or attempts are exhausted). Does not touch collateral: callers unlock or slash it.
    function _reopen(BatchRef ref, Job storage job, Batch storage b, ReopenReason reason) internal {
        uint256 value = MarketMath.batchUnits(job.units, job.batchSize, ref.index()) * job.pricePerUnit;
        job.lockedValue -= uint128(value);
        uint256 attempt = b.attempt;
        bool exhausted = attempt == type(uint8).max;
        b.state = exhausted ? BatchState.Indeterminate : BatchState.Open;
        b.attempt = uint8(exhausted ? attempt : attempt + 1);
        b.flags = 0;
        b.node = address(0);
        b.deadline = uint32(block.timestamp);
        b.anchorBlock = uint32(block.number);
        b.digest = bytes32(0);
        b.collateral = 0;
        b.auditBps = 0;
        if (exhausted) {
            _refundBatch(ref, job, value);
        } else {
            emit BatchReopened(ref, attempt + 1, reason);
            if (job.status & JobStatus.CLOSED != 0) {
                // A closed job takes no new lease: the re-opened value goes straight back to the requester.
                _releaseEscrow(job, value);
                _credit(job.requester, value);
            }
        }
        if (job.status & JobStatus.CLOSED != 0 && job.lockedValue == 0) _finishJob(job);
    }

    function _refundBatch(BatchRef ref, Job storage job, uint256 value) internal {
        _releaseEscrow(job, value);
        _credit(job.requester, value);
        emit BatchRefunded(ref, value);
    }

    // ================================================================ internal: audits

    /// @dev The audit draw as it stands. Normal: from the seed of the block after the commit. That seed
    /// expired: forced (audited, unit drawn later from a fresh block).
    function _evaluateDraw(BatchRef ref, Batch storage b)
        internal
        view
        returns (bool ready, bool audited, bool forced, uint256 unitIndex)
    {
        uint256 seedBlock = uint256(b.anchorBlock) + 1;
        if (block.number <= seedBlock) return (false, false, false, 0);
        (bytes32 seed, bool available) = _randomness.seedAt(seedBlock);
        if (!available) return (true, true, true, 0);
        (audited, unitIndex) = Sortition.drawAudit(_auditSeed(seed, ref, b.attempt), b.auditBps, _unitsOf(ref));
        ready = true;
    }

    /// @dev Stores the draw; returns whether the batch is audited.
    function _storeDraw(BatchRef ref, Batch storage b) internal returns (bool audited) {
        (bool ready, bool drawn, bool forced, uint256 unitIndex) = _evaluateDraw(ref, b);
        if (!ready) revert SeedNotReady(ref, uint256(b.anchorBlock) + 1);
        audited = drawn;
        b.flags |= BatchFlags.DRAWN | (forced ? BatchFlags.FORCED : 0);
        emit AuditDrawn(ref, b.attempt, audited, forced);
        if (!audited) return false;
        b.state = BatchState.AuditSeated;
        Audit storage a = _audits[_attemptKey(ref, b.attempt)];
        a.seatStart = uint32(block.timestamp);
        if (forced) {
            // Seats and unit come from a block after this one: nobody could know them when the seed expired.
            b.anchorBlock = uint32(block.number);
        } else {
            a.unitIndex = uint16(unitIndex);
            a.unitDrawn = true;
        }
    }

    function _checkSeatEligible(
        BatchRef ref,
        Job storage job,
        Batch storage b,
        Audit storage a,
        bytes32 seed,
        address node,
        IProtocolConfig.MarketParams memory mp
    ) internal view {
        address primaryOwner = _registry.ownerOf(b.node);
        address owner = _registry.ownerOf(node);
        if (owner == primaryOwner) revert SameOwner(node, owner);
        if (!_seatEligible(ref, job, b, a.seatStart, seed, node, mp)) revert NotEligible(ref, node);
    }

    /// @dev Seat window j (counted from `seatStart`) admits nodes whose score under keccak(seed, j) is below
    /// the un-widened sortition threshold; never the primary's owner.
    function _seatEligible(
        BatchRef ref,
        Job storage job,
        Batch storage b,
        uint256 seatStart,
        bytes32 seed,
        address node,
        IProtocolConfig.MarketParams memory mp
    ) internal view returns (bool) {
        if (node == b.node) return false;
        INodeRegistry.NodeView memory nv = _registry.getNode(node);
        if (nv.owner == _registry.ownerOf(b.node)) return false;
        if (nv.deviceClass < job.minDeviceClass) return false;
        uint256 window = mp.auditWindow == 0 ? 0 : (block.timestamp - seatStart) / mp.auditWindow;
        (uint256 p,) = Sortition.threshold(
            mp.sortitionK, _registry.assignmentWeight(node), _registry.activeWeight(job.minDeviceClass), 0, 0
        );
        return Sortition.isEligible(keccak256(abi.encode(seed, ref, b.attempt, window, "seat")), node, p);
    }

    /// @dev Pays an auditor or committee member for re-running one unit: one unit's price from the reserve
    /// (what is left of it), and the unit's compute as emission weight.
    function _payChecker(Job storage job, address node) internal {
        uint256 reserve = job.auditReserve;
        uint256 pay = job.pricePerUnit;
        if (pay > reserve) pay = reserve;
        job.auditReserve = uint128(reserve - pay);
        _totalReserves -= pay;
        if (pay != 0) _credit(_registry.ownerOf(node), pay);
        _rewards.accrue(node, job.cuPerUnit);
    }

    // ================================================================ internal: withheld reveals

    /// @dev The primary never revealed: slashed as a lost dispute, the batch re-opens. The non-burned half
    /// goes to the auditor who committed (paid for its unit too) or, unaudited, to the keeper who called.
    function _forfeitPrimary(BatchRef ref, Batch storage b, address auditor) internal {
        IProtocolConfig.MarketParams memory mp = _config.marketParams();
        Job storage job = _jobs[ref.jobId()];
        address node = b.node;
        uint256 collateral = b.collateral;
        // Pay the auditor's unit before the re-open: on a closed job the re-open may finish the job and
        // return the reserve.
        if (auditor != address(0)) _payChecker(job, auditor);
        _reopen(ref, job, b, ReopenReason.Withheld);
        uint256 taken = _slash(node, collateral);
        _registry.recordDisputeLost(node);
        emit RevealWithheld(ref, node, taken);
        (uint256 share, uint256 burned) = MarketMath.slashSplit(taken, 1);
        if (auditor != address(0)) {
            _registry.unlockCollateral(auditor, mp.challengeBond);
            _credit(_registry.ownerOf(auditor), share);
        } else {
            _credit(msg.sender, share);
        }
        _burn(burned);
    }

    /// @dev The auditor committed but never revealed: slashed its bond; the primary is accepted (it revealed
    /// in time) and takes the non-burned half.
    function _forfeitAuditor(BatchRef ref, Batch storage b) internal {
        IProtocolConfig.MarketParams memory mp = _config.marketParams();
        Job storage job = _jobs[ref.jobId()];
        address auditor = _audits[_attemptKey(ref, b.attempt)].auditor;
        uint256 taken = _slash(auditor, mp.challengeBond);
        _registry.recordDisputeLost(auditor);
        emit RevealWithheld(ref, auditor, taken);
        (uint256 share, uint256 burned) = MarketMath.slashSplit(taken, 1);
        Tally memory t;
        t.node = b.node;
        t.credit = share;
        t.burn = burned;
        _acceptOrVerify(ref, job, b, mp, t);
        _flush(t);
    }

    // ================================================================ internal: disputes

    function _openDisputeRound(BatchRef ref, Batch storage b, uint256 round, IProtocolConfig.MarketParams memory mp)
        internal
    {
        Dispute storage d = _disputes[_attemptKey(ref, b.attempt)];
        uint256 seats = mp.committeeSize > MAX_COMMITTEE_SEATS ? MAX_COMMITTEE_SEATS : mp.committeeSize;
        d.round = uint8(round);
        d.members = 0;
        d.seats = uint8(seats);
        d.start = uint32(block.timestamp);
        d.anchorBlock = uint32(block.number);
        emit DisputeOpened(ref, b.attempt, round, block.number);
    }

    function _checkCommitteeEligible(
        BatchRef ref,
        Batch storage b,
        uint256 key,
        Dispute storage d,
        address node,
        IProtocolConfig.MarketParams memory mp
    ) internal view {
        bytes32 seed = _seedAt(ref, _seedBlockFor(ref, d.anchorBlock));
        if (!_committeeEligible(ref, b, key, d, seed, node, mp)) revert NotEligible(ref, node);
    }

    /// @dev Committee sortition: never the primary's or the auditor's owner; the threshold widens within the
    /// commit phase so seats fill.
    function _committeeEligible(
        BatchRef ref,
        Batch storage b,
        uint256 key,
        Dispute storage d,
        bytes32 seed,
        address node,
        IProtocolConfig.MarketParams memory mp
    ) internal view returns (bool) {
        INodeRegistry.NodeView memory nv = _registry.getNode(node);
        address auditor = _audits[key].auditor;
        if (node == b.node || node == auditor) return false;
        if (nv.owner == _registry.ownerOf(b.node) || nv.owner == _registry.ownerOf(auditor)) return false;
        Job storage job = _jobs[ref.jobId()];
        if (nv.deviceClass < job.minDeviceClass) return false;
        (uint256 p,) = Sortition.threshold(
            mp.sortitionK,
            _registry.assignmentWeight(node),
            _registry.activeWeight(job.minDeviceClass),
            block.timestamp - d.start,
            mp.committeeWindow / COMMITTEE_WIDENINGS
        );
        return Sortition.isEligible(keccak256(abi.encode(seed, ref, b.attempt, d.round, "committee")), node, p);
    }

    function _count(uint256 key, Dispute storage d) internal view returns (Count memory c) {
        c.seats = 2 + uint256(d.seats);
        c.auditorRoot = _audits[key].digest;
        c.primaryProven = d.primaryProven;
        c.primaryRoot = d.primaryUnitRoot;
        c.votesAuditor = 1;
        c.votesPrimary = c.primaryProven ? 1 : 0;
        uint256 roundKey = _roundKey(key, d.round);
        uint256 n = d.members;
        for (uint256 i; i < n; ++i) {
            Member storage m = _members[roundKey][i];
            if (!m.revealed) continue;
            if (m.digest == c.auditorRoot) ++c.votesAuditor;
            else if (c.primaryProven && m.digest == c.primaryRoot) ++c.votesPrimary;
        }
    }

    function _allRevealed(uint256 key, Dispute storage d) internal view returns (bool) {
        uint256 n = d.members;
        if (n < d.seats) return false;
        uint256 roundKey = _roundKey(key, d.round);
        for (uint256 i; i < n; ++i) {
            if (!_members[roundKey][i].revealed) return false;
        }
        return true;
    }

    /// @dev Settles the committee: members who voted `winning` are paid for their unit, unlocked and returned
    /// as winners; the others (minority or absent) are slashed. With `winning` = 0 (no majority) only the
    /// absent are slashed and the revealed members are unlocked as winners of that slash.
    function _settleCommittee(Job storage job, uint256 roundKey, uint256 n, bytes32 winning, bool majority, uint256 bond)
        internal
        returns (address[] memory winners, uint256 count, uint256 slashed)
    {
        winners = new address[](n + 2);
        for (uint256 i; i < n; ++i) {
            Member storage m = _members[roundKey][i];
            address node = m.node;
            bool agrees = m.revealed && (!majority || m.digest == winning);
            if (agrees) {
                _registry.unlockCollateral(node, bond);
                if (majority) _payChecker(job, node);
                winners[count++] = node;
            } else {
                slashed += _slash(node, bond);
                _registry.recordDisputeLost(node);
            }
        }
    }

    function _resolveAuditorWon(
        BatchRef ref,
        Batch storage b,
        uint256 key,
        Dispute storage d,
        IProtocolConfig.MarketParams memory mp
    ) internal {
        Job storage job = _jobs[ref.jobId()];
        (address[] memory winners, uint256 count, uint256 slashed) =
            _settleCommittee(job, _roundKey(key, d.round), d.members, _audits[key].digest, true, mp.challengeBond);
        address auditor = _audits[key].auditor;
        winners[count++] = auditor;
        _payChecker(job, auditor);
        _registry.unlockCollateral(auditor, mp.challengeBond);
        slashed += _slashLoser(b.node, b.collateral);
        if (job.chains != 0) {
            // A chain needs the true state to continue: re-run the batch. Honest successors built on the
            // wrong state are compensated from a pool that takes one winner's share of this slash.
            _reopen(ref, job, b, ReopenReason.PrimarySlashed);
            (uint256 per, uint256 burned) = MarketMath.slashSplit(slashed, count + 1);
            job.compensationPool += uint128(per);
            _totalPools += per;
            _creditAll(winners, count, per);
            _burn(burned);
            emit DisputeResolved(ref, DisputeOutcome.AuditorWon, slashed, burned);
            return;
        }
        _payWinners(ref, job, b, winners, count, slashed, mp);
    }

    /// @dev The requester gets the majority's result and the batch is paid to those who computed it:
    /// re-opening would publish the answer to copiers. Fee and slash splits as usual; dust is burned.
    function _payWinners(
        BatchRef ref,
        Job storage job,
        Batch storage b,
        address[] memory winners,
        uint256 count,
        uint256 slashed,
        IProtocolConfig.MarketParams memory mp
    ) internal {
        b.flags |= BatchFlags.PRIMARY_SLASHED;
        b.state = BatchState.Accepted;
        uint256 value = _unitsOf(ref) * job.pricePerUnit;
        job.lockedValue -= uint128(value);
        _releaseEscrow(job, value);
        (uint256 toWinners,, uint256 toTreasury) = MarketMath.feeSplit(value, mp.protocolFeeBps, mp.feeBurnBps);
        _credit(_config.treasury(), toTreasury);
        (uint256 perSlash,) = MarketMath.slashSplit(slashed, count);
        uint256 per = toWinners / count + perSlash;
        _creditAll(winners, count, per);
        uint256 burned = value + slashed - toTreasury - per * count;
        _burn(burned);
        emit BatchAccepted(ref, winners[count - 1], b.attempt, toWinners, 0);
        emit DisputeResolved(ref, DisputeOutcome.AuditorWon, slashed, burned);
        if (job.escrow == 0) _finishJob(job);
    }

    function _resolvePrimaryWon(
        BatchRef ref,
        Batch storage b,
        uint256 key,
        Dispute storage d,
        IProtocolConfig.MarketParams memory mp,
        bool auditorAgreed
    ) internal {
        Job storage job = _jobs[ref.jobId()];
        (address[] memory winners, uint256 count, uint256 slashed) =
            _settleCommittee(job, _roundKey(key, d.round), d.members, d.primaryUnitRoot, true, mp.challengeBond);
        if (auditorAgreed) {
            address auditor = _audits[key].auditor;
            _payChecker(job, auditor);
            _registry.unlockCollateral(auditor, mp.challengeBond);
            winners[count++] = auditor;
        } else {
            slashed += _slashLoser(_audits[key].auditor, mp.challengeBond);
        }
        winners[count++] = b.node;
        (uint256 per, uint256 burned) = MarketMath.slashSplit(slashed, count);
        // The primary's share rides on its tally (credited to its owner at flush).
        _creditAll(winners, count - 1, per);
        b.flags |= BatchFlags.AUDIT_PASSED;
        Tally memory t;
        t.node = b.node;
        t.credit = per;
        t.burn = burned;
        emit DisputeResolved(ref, DisputeOutcome.PrimaryWon, slashed, burned);
        _acceptOrVerify(ref, job, b, mp, t);
        _flush(t);
    }

    function _resolveNoMajority(
        BatchRef ref,
        Batch storage b,
        uint256 key,
        Dispute storage d,
        IProtocolConfig.MarketParams memory mp
    ) internal {
        Job storage job = _jobs[ref.jobId()];
        (address[] memory winners, uint256 count, uint256 slashed) =
            _settleCommittee(job, _roundKey(key, d.round), d.members, bytes32(0), false, mp.challengeBond);
        (uint256 per, uint256 burned) = MarketMath.slashSplit(slashed, count);
        _creditAll(winners, count, per);
        _burn(burned);
        if (d.round == 1) {
            emit DisputeResolved(ref, DisputeOutcome.Redrawn, slashed, burned);
            _openDisputeRound(ref, b, 2, mp);
            return;
        }
        emit DisputeResolved(ref, DisputeOutcome.Indeterminate, slashed, burned);
        _indeterminate(ref, b, job, _audits[key].auditor, mp.challengeBond);
    }

    /// @dev Second committee without a majority: nobody is blamed, the batch's value returns to the requester.
    function _indeterminate(BatchRef ref, Batch storage b, Job storage job, address auditor, uint256 bond) internal {
        uint256 value = _unitsOf(ref) * job.pricePerUnit;
        b.state = BatchState.Indeterminate;
        job.lockedValue -= uint128(value);
        _refundBatch(ref, job, value);
        _registry.unlockCollateral(b.node, b.collateral);
        _registry.unlockCollateral(auditor, bond);
        if (job.escrow == 0 || (job.status & JobStatus.CLOSED != 0 && job.lockedValue == 0)) _finishJob(job);
    }

    // ================================================================ internal: money

    function _credit(address account, uint256 amount) internal {
        if (amount == 0) return;
        _credits[account] += amount;
        _totalCredits += amount;
    }

    function _creditAll(address[] memory nodes, uint256 count, uint256 amount) internal {
        if (amount == 0) return;
        for (uint256 i; i < count; ++i) {
            _credit(_registry.ownerOf(nodes[i]), amount);
        }
    }

    /// @dev Slashes locked collateral: unlock it, then take it (from stake, then unbonding); the registry
    /// transfers what it took to this contract.
    function _slash(address node, uint256 amount) internal returns (uint256 taken) {
        if (amount == 0) return 0;
        _registry.unlockCollateral(node, amount);
        taken = _registry.slash(node, amount);
    }

    /// @dev Slashes a dispute loser's locked amount and records the lost dispute.
    function _slashLoser(address node, uint256 amount) internal returns (uint256 taken) {
        taken = _slash(node, amount);
        _registry.recordDisputeLost(node);
    }

    function _burn(uint256 amount) internal {
        if (amount != 0) _token.burn(amount);
    }

    function _flush(Tally memory t) internal {
        if (t.unlock != 0) _registry.unlockCollateral(t.node, t.unlock);
        if (t.cu != 0) _rewards.accrue(t.node, t.cu);
        if (t.credit != 0) _credit(_registry.ownerOf(t.node), t.credit);
        if (t.treasury != 0) _credit(_config.treasury(), t.treasury);
        _burn(t.burn);
    }

    // ================================================================ internal: keys and seeds

    /// @dev Auditor and committee commitments: the six-field formula with the caller as node.
    function _checkUnitCommitment(BatchRef ref, uint256 attempt, bytes32 unitRoot, bytes32 salt, bytes32 stored)
        internal
        view
    {
        bytes32 computed = MarketMath.commitment(ref.jobId(), ref.index(), attempt, unitRoot, salt, msg.sender);
        if (computed != stored) revert CommitmentMismatch(ref, stored, computed);
    }

    function _unitsOf(BatchRef ref) internal view returns (uint256) {
        Job storage job = _jobs[ref.jobId()];
        return MarketMath.batchUnits(job.units, job.batchSize, ref.index());
    }

    function _auditSeed(bytes32 seed, BatchRef ref, uint256 attempt) internal pure returns (bytes32) {
        return keccak256(abi.encode(seed, ref, attempt, "audit"));
    }

    function _checkLength(uint256 length) internal pure {
        if (length == 0 || length > MAX_BATCHES) revert BatchListLength(length, MAX_BATCHES);
    }

    /// @dev Audits and disputes belong to one attempt: the key adds the attempt above the batch reference
    /// (job ids stay far below 2^200).
    function _attemptKey(BatchRef ref, uint256 attempt) internal pure returns (uint256) {
        return BatchRef.unwrap(ref) | (attempt << 248);
    }

    function _roundKey(uint256 attemptKey, uint256 round) internal pure returns (uint256) {
        return attemptKey | (round << 240);
    }

    function _seedBlockFor(BatchRef ref, uint256 anchor) internal view returns (uint256 sb) {
        sb = MarketMath.rollingSeedBlock(anchor, block.number);
        if (sb == 0) revert SeedNotReady(ref, anchor + 1);
    }

    function _seedAt(BatchRef ref, uint256 blockNumber) internal view returns (bytes32 seed) {
        if (blockNumber == 0) revert SeedNotReady(ref, blockNumber);
        bool available;
        (seed, available) = _randomness.seedAt(blockNumber);
        if (!available) revert SeedNotReady(ref, blockNumber);
    }
}
