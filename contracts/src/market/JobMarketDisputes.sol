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
    Job,
    Batch,
    Dispute,
    Member
} from "../libraries/JobMarketTypes.sol";

/// @title JobMarketDisputes
/// @notice Dispute half of the JobMarket: the primary's unit proof, committee seats, votes and resolution,
/// and the job, dispute and eligibility views.
/// @dev Runs only through `delegatecall` from its JobMarket (see `JobMarketModule`).
contract JobMarketDisputes is JobMarketModule {
    constructor(
        IMAIToken token_,
        IProtocolConfig config_,
        INodeRegistry registry_,
        IRewardEngine rewards_,
        IRandomness randomness_
    ) JobMarketModule(token_, config_, registry_, rewards_, randomness_) {}

    /// @dev See `IJobMarket`.
    function proveUnit(BatchRef ref, bytes32 unitRoot, bytes32[] calldata proof) external onlyDelegated nonReentrant {
        Batch storage b = _batches[BatchRef.unwrap(ref)];
        if (b.state != BatchState.Disputed) revert WrongState(ref, b.state);
        uint256 key = _attemptKey(ref, b.attempt);
        Dispute storage d = _disputes[key];
        uint256 window = _config.marketParams().committeeWindow;
        if (d.primaryProven || block.timestamp >= uint256(d.start) + 2 * window) {
            revert WrongPhase(ref, d.start, uint256(d.start) + 2 * window);
        }
        uint256 unitIndex = _audits[key].unitIndex;
        if (!IndexedMerkle.verify(b.digest, unitIndex, unitRoot, proof)) revert InvalidProof(ref, unitIndex);
        d.primaryProven = true;
        d.primaryUnitRoot = unitRoot;
        emit UnitProven(ref, unitRoot);
    }

    /// @dev See `IJobMarket`.
    function joinCommittee(BatchRef ref, bytes32 commitment_) external onlyDelegated nonReentrant {
        Batch storage b = _batches[BatchRef.unwrap(ref)];
        if (b.state != BatchState.Disputed) revert WrongState(ref, b.state);
        IProtocolConfig.MarketParams memory mp = _config.marketParams();
        uint256 key = _attemptKey(ref, b.attempt);
        Dispute storage d = _disputes[key];
        uint256 start = d.start;
        if (block.timestamp >= start + mp.committeeWindow) revert WrongPhase(ref, start, start + mp.committeeWindow);
        uint256 seats = d.seats;
        uint256 n = d.members;
        if (n >= seats) revert CommitteeFull(ref, seats);
        _checkCommitteeEligible(ref, b, key, d, msg.sender, mp);
        uint256 roundKey = _roundKey(key, d.round);
        address owner = _registry.ownerOf(msg.sender);
        for (uint256 i; i < n; ++i) {
            address other = _members[roundKey][i].node;
            if (other == msg.sender || _registry.ownerOf(other) == owner) revert AlreadyMember(ref, msg.sender);
        }
        _members[roundKey][n] = Member({node: msg.sender, revealed: false, digest: commitment_});
        d.members = uint8(n + 1);
        emit CommitteeJoined(ref, msg.sender, n, commitment_);
        _registry.lockCollateral(msg.sender, mp.challengeBond);
    }

    /// @dev See `IJobMarket`.
    function revealVote(BatchRef ref, bytes32 unitRoot, bytes32 salt) external onlyDelegated nonReentrant {
        Batch storage b = _batches[BatchRef.unwrap(ref)];
        if (b.state != BatchState.Disputed) revert WrongState(ref, b.state);
        uint256 key = _attemptKey(ref, b.attempt);
        Dispute storage d = _disputes[key];
        uint256 window = _config.marketParams().committeeWindow;
        uint256 opensAt = d.members == d.seats ? d.start : uint256(d.start) + window;
        uint256 closesAt = uint256(d.start) + 2 * window;
        if (block.timestamp < opensAt || block.timestamp >= closesAt) revert WrongPhase(ref, opensAt, closesAt);
        uint256 roundKey = _roundKey(key, d.round);
        uint256 n = d.members;
        for (uint256 i; i < n; ++i) {
            Member storage m = _members[roundKey][i];
            if (m.node != msg.sender) continue;
            if (m.revealed) revert AlreadyRevealed(ref, msg.sender);
            _checkUnitCommitment(ref, b.attempt, unitRoot, salt, m.digest);
            m.revealed = true;
            m.digest = unitRoot;
            emit VoteRevealed(ref, msg.sender, unitRoot);
            return;
        }
        revert NotMember(ref, msg.sender);
    }

    /// @dev See `IJobMarket`.
    function resolveDispute(BatchRef ref) external onlyDelegated nonReentrant {
        Batch storage b = _batches[BatchRef.unwrap(ref)];
        if (b.state != BatchState.Disputed) revert WrongState(ref, b.state);
        IProtocolConfig.MarketParams memory mp = _config.marketParams();
        uint256 key = _attemptKey(ref, b.attempt);
        Dispute storage d = _disputes[key];
        Count memory c = _count(key, d);
        uint256 closesAt = uint256(d.start) + 2 * mp.committeeWindow;
        bool everyoneIn = c.primaryProven && _allRevealed(key, d);
        if (block.timestamp < closesAt && !everyoneIn) revert DeadlineNotReached(ref, closesAt);
        if (c.primaryProven && c.primaryRoot == c.auditorRoot) {
            // The auditor agreed after all (it could not show the proof, e.g. data was not served): a match.
            _resolvePrimaryWon(ref, b, key, d, mp, true);
        } else if (MarketMath.isMajority(c.votesAuditor, c.seats)) {
            _resolveAuditorWon(ref, b, key, d, mp);
        } else if (c.primaryProven && MarketMath.isMajority(c.votesPrimary, c.seats)) {
            _resolvePrimaryWon(ref, b, key, d, mp, false);
        } else {
            _resolveNoMajority(ref, b, key, d, mp);
        }
    }

    // ================================================================ views

    /// @dev See `IJobMarket`.
    function getJob(uint256 jobId) external view returns (JobView memory v) {
        Job storage j = _jobs[jobId];
        v.requester = j.requester;
        v.specHash = j.specHash;
        v.units = j.units;
        v.batchSize = j.batchSize;
        v.batches = j.batchSize == 0 ? 0 : MarketMath.batchCount(j.units, j.batchSize);
        v.chains = j.chains;
        v.cuPerUnit = j.cuPerUnit;
        v.pricePerUnit = j.pricePerUnit;
        v.deadline = j.deadline;
        v.minAuditBps = j.minAuditBps;
        v.minDeviceClass = j.minDeviceClass;
        v.status = j.status;
        v.escrow = j.escrow;
        v.lockedValue = j.lockedValue;
        v.auditReserve = j.auditReserve;
        v.bond = j.bond;
        v.compensationPool = j.compensationPool;
        v.abandons = j.abandons;
    }

    /// @dev See `IJobMarket`.
    function getDispute(BatchRef ref)
        external
        view
        returns (
            uint256 round,
            uint256 members,
            uint256 start,
            uint256 anchorBlock,
            bool primaryProven,
            bytes32 primaryUnitRoot
        )
    {
        Dispute storage d = _disputes[_attemptKey(ref, _batches[BatchRef.unwrap(ref)].attempt)];
        return (d.round, d.members, d.start, d.anchorBlock, d.primaryProven, d.primaryUnitRoot);
    }

    /// @dev See `IJobMarket`.
    function getMember(BatchRef ref, uint256 seat) external view returns (address node, bool revealed, bytes32 digest) {
        uint256 key = _attemptKey(ref, _batches[BatchRef.unwrap(ref)].attempt);
        Member storage m = _members[_roundKey(key, _disputes[key].round)][seat];
        return (m.node, m.revealed, m.digest);
    }

    /// @dev See `IJobMarket`.
    function committeeEligibility(BatchRef ref, address node) external view returns (bool) {
        Batch storage b = _batches[BatchRef.unwrap(ref)];
        if (b.state != BatchState.Disputed) return false;
        uint256 key = _attemptKey(ref, b.attempt);
        Dispute storage d = _disputes[key];
        uint256 sb = MarketMath.rollingSeedBlock(d.anchorBlock, block.number);
        if (sb == 0) return false;
        (bytes32 seed, bool ok) = _randomness.seedAt(sb);
        if (!ok) return false;
        return _committeeEligible(ref, b, key, d, seed, node, _config.marketParams());
    }

    /// @dev See `IJobMarket`.
    function leaseEligibility(BatchRef ref, address node) external view returns (bool eligible, bool widened) {
        Job storage job = _jobs[ref.jobId()];
        Batch storage b = _batches[BatchRef.unwrap(ref)];
        if (job.requester == address(0) || b.state != BatchState.Open) return (false, false);
        if (_registry.getNode(node).deviceClass < job.minDeviceClass) return (false, false);
        (uint256 anchor, uint256 openedAt) = _openedAt(job, b);
        uint256 sb = MarketMath.rollingSeedBlock(anchor, block.number);
        if (sb == 0) return (false, false);
        (bytes32 seed, bool ok) = _randomness.seedAt(sb);
        if (!ok) return (false, false);
        IProtocolConfig.MarketParams memory mp = _config.marketParams();
        uint256 weight = _registry.assignmentWeight(node);
        uint256 totalWeight = _registry.activeWeight(job.minDeviceClass);
        return Sortition.checkLease(
            keccak256(abi.encode(seed, ref, b.attempt)),
            node,
            mp.sortitionK,
            weight,
            totalWeight,
            block.timestamp - openedAt,
            mp.widenPeriod
        );
    }
}
