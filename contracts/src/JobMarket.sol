// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IJobMarket} from "./interfaces/IJobMarket.sol";
import {JobMarketStorage} from "./market/JobMarketStorage.sol";
import {JobMarketModule} from "./market/JobMarketModule.sol";
import {IMAIToken} from "./interfaces/IMAIToken.sol";
import {IProtocolConfig} from "./interfaces/IProtocolConfig.sol";
import {INodeRegistry} from "./interfaces/INodeRegistry.sol";
import {IRewardEngine} from "./interfaces/IRewardEngine.sol";
import {IRandomness} from "./interfaces/IRandomness.sol";
import {Sortition} from "./libraries/Sortition.sol";
import {
    BatchRef,
    BatchState,
    JobStatus,
    JobParams,
    Job,
    Batch
} from "./libraries/JobMarketTypes.sol";

/// @title JobMarket
/// @notice Escrowed compute jobs, leased batch by batch by weighted sortition, checked by commit / audit /
/// reveal, settled by committees, paid by credit.
/// @dev Entry point of the market and the only address anyone calls. Jobs, leases, commits, reveals and
/// payments run here; audit and dispute entry points are forwarded by `delegatecall` to two modules
/// (`JobMarketAudits`, `JobMarketDisputes`) that share this contract's storage layout, and most views are
/// served by them too: one contract would exceed the 24 KiB code-size limit. Deploy the modules first (same
/// constructor arguments), then the market (see `JobMarketDeployer`). Escrow invariant: `JobMarketStorage`.
contract JobMarket is IJobMarket, JobMarketStorage {
    using SafeERC20 for IERC20;

    /// @inheritdoc IJobMarket
    uint256 public constant MAX_BATCHES_PER_CALL = MAX_BATCHES;
    /// @inheritdoc IJobMarket
    uint256 public constant AUDIT_SEAT_WINDOWS = SEAT_WINDOWS;

    address private immutable _auditsModule;
    address private immutable _disputesModule;

    /// @notice Thrown when a module does not exist or was built for other contracts.
    error UnknownModule(address module);

    constructor(
        IMAIToken token_,
        IProtocolConfig config_,
        INodeRegistry registry_,
        IRewardEngine rewards_,
        IRandomness randomness_,
        JobMarketModule audits_,
        JobMarketModule disputes_
    ) JobMarketStorage(token_, config_, registry_, rewards_, randomness_) {
        _checkWiring(audits_);
        _checkWiring(disputes_);
        _auditsModule = address(audits_);
        _disputesModule = address(disputes_);
    }

    // ================================================================ requester

    /// @inheritdoc IJobMarket
    function createJob(JobParams calldata params) external nonReentrant returns (uint256 jobId) {
        return _createJob(params);
    }

    /// @inheritdoc IJobMarket
    function createJobWithPermit(JobParams calldata params, uint256 permitDeadline, uint8 v, bytes32 r, bytes32 s)
        external
        nonReentrant
        returns (uint256 jobId)
    {
        uint256 total = uint256(params.pricePerUnit) * params.units + params.auditReserve + params.requesterBond;
        // A front-runner may have used the permit already; the allowance check in transferFrom still holds.
        try _token.permit(msg.sender, address(this), total, permitDeadline, v, r, s) {} catch {}
        return _createJob(params);
    }

    /// @inheritdoc IJobMarket
    function cancel(uint256 jobId) external nonReentrant {
        Job storage job = _job(jobId);
        if (msg.sender != job.requester) revert NotRequester(jobId, msg.sender);
        if (job.status & JobStatus.CLOSED != 0) revert JobClosed(jobId);
        uint256 openValue = job.escrow - job.lockedValue;
        uint256 fee = (openValue * _config.marketParams().cancelFeeBps + BPS - 1) / BPS;
        job.status |= JobStatus.CANCELLED | JobStatus.CLOSED;
        _releaseEscrow(job, openValue);
        _credit(job.requester, openValue - fee);
        _credit(_config.treasury(), fee);
        emit JobCancelled(jobId, openValue - fee, fee);
        if (job.lockedValue == 0) _finishJob(job);
    }

    /// @inheritdoc IJobMarket
    function refund(uint256 jobId) external nonReentrant {
        Job storage job = _job(jobId);
        if (job.status & JobStatus.FINAL != 0) revert JobClosed(jobId);
        if (job.status & JobStatus.CLOSED == 0) {
            if (block.timestamp < job.deadline) revert JobStillOpen(jobId, job.deadline);
            job.status |= JobStatus.CLOSED;
        }
        uint256 openValue = job.escrow - job.lockedValue;
        _releaseEscrow(job, openValue);
        _credit(job.requester, openValue);
        uint256 leftover;
        bool done = job.lockedValue == 0;
        if (done) leftover = _finishJob(job);
        emit JobRefunded(jobId, openValue, leftover, done);
    }

    // ================================================================ miner

    /// @inheritdoc IJobMarket
    function leaseBatches(uint256 jobId, uint256[] calldata batchIndexes) external nonReentrant {
        if (_config.paused()) revert ProtocolPaused();
        _checkLength(batchIndexes.length);
        Job storage job = _job(jobId);
        if (job.status & JobStatus.CLOSED != 0 || block.timestamp >= job.deadline) revert JobClosed(jobId);
        LeaseCtx memory ctx;
        ctx.mp = _config.marketParams();
        INodeRegistry.NodeView memory nv = _registry.getNode(msg.sender);
        ctx.weight = _registry.assignmentWeight(msg.sender);
        if (ctx.weight == 0) revert NodeInactive(msg.sender);
        if (nv.deviceClass < job.minDeviceClass) revert DeviceClassTooLow(msg.sender, nv.deviceClass, job.minDeviceClass);
        ctx.totalWeight = _registry.activeWeight(job.minDeviceClass);
        ctx.auditBps = Sortition.auditProbabilityBps(nv.reputation, ctx.mp.pMinBps, ctx.mp.pMaxBps, job.minAuditBps);
        ctx.stake = nv.stake;
        ctx.capacity = nv.capacityCUps;
        for (uint256 i; i < batchIndexes.length; ++i) {
            _leaseOne(jobId, job, batchIndexes[i], ctx);
        }
        _registry.lockCollateral(msg.sender, ctx.totalCollateral);
    }

    /// @inheritdoc IJobMarket
    function commit(BatchRef[] calldata refs, bytes32[] calldata commitments) external nonReentrant {
        _checkLength(refs.length);
        if (refs.length != commitments.length) revert LengthMismatch(refs.length, commitments.length);
        uint256 revealWindow = _config.marketParams().revealWindow;
        for (uint256 i; i < refs.length; ++i) {
            BatchRef ref = refs[i];
            Batch storage b = _batches[BatchRef.unwrap(ref)];
            if (b.state != BatchState.Leased) revert WrongState(ref, b.state);
            if (b.node != msg.sender) revert NotPrimary(ref, msg.sender, b.node);
            _checkPredecessorCurrent(ref, b);
            if (block.timestamp > b.deadline) revert DeadlinePassed(ref, b.deadline);
            b.state = BatchState.Committed;
            b.digest = commitments[i];
            b.anchorBlock = uint32(block.number);
            b.deadline = uint32(block.timestamp + revealWindow);
            emit BatchCommitted(ref, msg.sender, b.attempt, commitments[i]);
        }
    }

    /// @inheritdoc IJobMarket
    function reveal(BatchRef[] calldata refs, bytes32[] calldata roots, bytes32[] calldata salts)
        external
        nonReentrant
    {
        _checkLength(refs.length);
        if (refs.length != roots.length) revert LengthMismatch(refs.length, roots.length);
        if (refs.length != salts.length) revert LengthMismatch(refs.length, salts.length);
        IProtocolConfig.MarketParams memory mp = _config.marketParams();
        Tally memory t;
        t.node = msg.sender;
        for (uint256 i; i < refs.length; ++i) {
            _revealOne(refs[i], roots[i], salts[i], mp, t);
        }
        _flush(t);
    }

    // ================================================================ keeper

    /// @inheritdoc IJobMarket
    function finalize(BatchRef ref) external nonReentrant {
        Batch storage b = _batches[BatchRef.unwrap(ref)];
        if (b.state != BatchState.Verified) revert WrongState(ref, b.state);
        Job storage job = _jobs[ref.jobId()];
        if (!_predecessorAccepted(job, ref)) revert PredecessorNotAccepted(ref);
        Tally memory t;
        t.node = b.node;
        _settleAccepted(ref, job, b, _config.marketParams(), t);
        _flush(t);
    }

    // ================================================================ everyone

    /// @inheritdoc IJobMarket
    function withdraw() external nonReentrant returns (uint256 amount) {
        amount = _credits[msg.sender];
        if (amount == 0) revert NothingToWithdraw(msg.sender);
        _credits[msg.sender] = 0;
        _totalCredits -= amount;
        emit Withdrawn(msg.sender, amount);
        IERC20(address(_token)).safeTransfer(msg.sender, amount);
    }

    // ================================================================ audits and disputes (delegated)

    /// @inheritdoc IJobMarket
    function abandon(BatchRef, bytes32) external {
        _delegate(_auditsModule);
    }

    /// @inheritdoc IJobMarket
    function expire(BatchRef) external {
        _delegate(_auditsModule);
    }

    /// @inheritdoc IJobMarket
    function forfeit(BatchRef) external {
        _delegate(_auditsModule);
    }

    /// @inheritdoc IJobMarket
    function drawAudit(BatchRef) external {
        _delegate(_auditsModule);
    }

    /// @inheritdoc IJobMarket
    function reopenStale(BatchRef) external {
        _delegate(_auditsModule);
    }

    /// @inheritdoc IJobMarket
    function closeOrphan(BatchRef) external {
        _delegate(_auditsModule);
    }

    /// @inheritdoc IJobMarket
    function claimAuditSeat(BatchRef) external {
        _delegate(_auditsModule);
    }

    /// @inheritdoc IJobMarket
    function commitAudit(BatchRef, bytes32) external {
        _delegate(_auditsModule);
    }

    /// @inheritdoc IJobMarket
    function revealAudit(BatchRef, bytes32, bytes32, bytes32[] calldata) external {
        _delegate(_auditsModule);
    }

    /// @inheritdoc IJobMarket
    function proveUnit(BatchRef, bytes32, bytes32[] calldata) external {
        _delegate(_disputesModule);
    }

    /// @inheritdoc IJobMarket
    function joinCommittee(BatchRef, bytes32) external {
        _delegate(_disputesModule);
    }

    /// @inheritdoc IJobMarket
    function revealVote(BatchRef, bytes32, bytes32) external {
        _delegate(_disputesModule);
    }

    /// @inheritdoc IJobMarket
    function resolveDispute(BatchRef) external {
        _delegate(_disputesModule);
    }

    // ================================================================ views

    /// @inheritdoc IJobMarket
    function nextJobId() external view returns (uint256) {
        return _nextJobId;
    }

    /// @inheritdoc IJobMarket
    function creditOf(address account) external view returns (uint256) {
        return _credits[account];
    }

    /// @inheritdoc IJobMarket
    function escrowTotals()
        external
        view
        returns (uint256 priceEscrow, uint256 auditReserves, uint256 bonds, uint256 compensationPools, uint256 credited)
    {
        return (_totalPriceEscrow, _totalReserves, _totalBonds, _totalPools, _totalCredits);
    }

    /// @inheritdoc IJobMarket
    function getBatch(BatchRef) external view returns (BatchView memory) {
        _staticDelegate(_auditsModule);
    }

    /// @inheritdoc IJobMarket
    function getAudit(BatchRef) external view returns (address, uint256, uint256, uint256, bool, bool, bytes32) {
        _staticDelegate(_auditsModule);
    }

    /// @inheritdoc IJobMarket
    function auditDraw(BatchRef) external view returns (bool, bool, bool, uint256) {
        _staticDelegate(_auditsModule);
    }

    /// @inheritdoc IJobMarket
    function seatEligibility(BatchRef, address) external view returns (bool) {
        _staticDelegate(_auditsModule);
    }

    /// @inheritdoc IJobMarket
    function expectedCommitment(BatchRef, bytes32, bytes32, address) external view returns (bytes32) {
        _staticDelegate(_auditsModule);
    }

    /// @inheritdoc IJobMarket
    function getJob(uint256) external view returns (JobView memory) {
        _staticDelegate(_disputesModule);
    }

    /// @inheritdoc IJobMarket
    function getDispute(BatchRef) external view returns (uint256, uint256, uint256, uint256, bool, bytes32) {
        _staticDelegate(_disputesModule);
    }

    /// @inheritdoc IJobMarket
    function getMember(BatchRef, uint256) external view returns (address, bool, bytes32) {
        _staticDelegate(_disputesModule);
    }

    /// @inheritdoc IJobMarket
    function committeeEligibility(BatchRef, address) external view returns (bool) {
        _staticDelegate(_disputesModule);
    }

    /// @inheritdoc IJobMarket
    function leaseEligibility(BatchRef, address) external view returns (bool, bool) {
        _staticDelegate(_disputesModule);
    }

    /// @inheritdoc IJobMarket
    function modules() external view returns (address audits, address disputes) {
        return (_auditsModule, _disputesModule);
    }

    /// @dev Re-entry point of `_staticDelegate`: only this contract may call it, with calldata
    /// `module (20 bytes) ‖ original calldata`; runs the module's view in this storage context.
    fallback() external {
        if (msg.sender != address(this) || msg.data.length < 24) revert UnknownModule(address(0));
        address module = address(bytes20(msg.data[:20]));
        if (module != _auditsModule && module != _disputesModule) revert UnknownModule(module);
        assembly ("memory-safe") {
            let size := sub(calldatasize(), 20)
            calldatacopy(0, 20, size)
            let ok := delegatecall(gas(), module, 0, size, 0, 0)
            returndatacopy(0, 0, returndatasize())
            switch ok
            case 0 { revert(0, returndatasize()) }
            default { return(0, returndatasize()) }
        }
    }

    function _checkWiring(JobMarketModule module) private view {
        (address t, address c, address r, address w, address x) = module.wiring();
        if (
            t != address(_token) || c != address(_config) || r != address(_registry) || w != address(_rewards)
                || x != address(_randomness)
        ) revert UnknownModule(address(module));
    }

    /// @dev Forwards the call unchanged to a module, in this contract's storage context.
    function _delegate(address module) private {
        assembly ("memory-safe") {
            calldatacopy(0, 0, calldatasize())
            let ok := delegatecall(gas(), module, 0, calldatasize(), 0, 0)
            returndatacopy(0, 0, returndatasize())
            switch ok
            case 0 { revert(0, returndatasize()) }
            default { return(0, returndatasize()) }
        }
    }

    /// @dev Serves a view from a module: a static call to this contract's fallback, which delegate-calls
    /// the module (a view cannot delegate-call directly).
    function _staticDelegate(address module) private view {
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, shl(96, module))
            calldatacopy(add(ptr, 20), 0, calldatasize())
            let ok := staticcall(gas(), address(), ptr, add(calldatasize(), 20), 0, 0)
            returndatacopy(0, 0, returndatasize())
            switch ok
            case 0 { revert(0, returndatasize()) }
            default { return(0, returndatasize()) }
        }
    }
}
