// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {MarketFixture} from "./JobMarketFixture.t.sol";
import {IJobMarket, IJobMarketTypes} from "../src/interfaces/IJobMarket.sol";
import {ConfigKeys} from "../src/interfaces/IProtocolConfig.sol";
import {BatchRef, BatchState, BatchFlags, JobParams, JobStatus} from "../src/libraries/JobMarketTypes.sol";
import {MarketMath} from "../src/libraries/MarketMath.sol";

/// @dev Chained jobs: batch b continues batch b - chains. Every batch here is audited (pMin = pMax = 100%).
contract JobMarketChainsTest is MarketFixture {
    uint256 internal jobId;
    BatchRef internal b0;
    BatchRef internal b1;

    function setUp() public override {
        super.setUp();
        _govern(ConfigKeys.P_MAX_BPS, 10_000);
        _govern(ConfigKeys.P_MIN_BPS, 10_000);
        JobParams memory p = _params(32, 8);
        p.chains = 1;
        jobId = _createJob(p);
        b0 = _ref(jobId, 0);
        b1 = _ref(jobId, 1);
    }

    /// @dev Leases, commits and audit-commits a batch; returns its primary, auditor and unit roots.
    function _toAuditCommitted(BatchRef ref, bool primaryHonest)
        internal
        returns (address primary, address auditor, bytes32[] memory units)
    {
        primary = _lease(ref);
        units = _unitRoots(primaryHonest ? ref : _ref(999, ref.index()), 8);
        assertTrue(_commitAndDraw(primary, ref, _merkleRoot(units)));
        auditor = _seatCandidate(ref);
        vm.prank(auditor);
        jm.claimAuditSeat(ref);
        bytes32 c = _unitCommitment(ref, auditor, _unitRoots(ref, 8)[_auditUnit(ref)]);
        vm.prank(auditor);
        jm.commitAudit(ref, c);
    }

    function test_RevertWhen_successorLeasedBeforePredecessorRevealed() public {
        vm.prank(miner1);
        vm.expectRevert(
            abi.encodeWithSelector(IJobMarketTypes.PredecessorNotRevealed.selector, b1, BatchState.Open)
        );
        jm.leaseBatches(jobId, _idx(1));
        // Chain heads are free: with one chain only batch 0 is a head.
        _lease(b0);
    }

    function test_chain_commitmentBindsPredecessorRoot() public {
        (address p0,, bytes32[] memory u0) = _toAuditCommitted(b0, true);
        bytes32 root0 = _merkleRoot(u0);
        _revealAs(p0, b0, root0);
        IJobMarket.BatchView memory opened = jm.getBatch(b1);
        assertEq(opened.anchorBlock, block.number, "successor's draw anchors at the predecessor's reveal");
        assertEq(opened.deadline, block.timestamp, "and its widening clock starts there");
        vm.prank(miner1);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.SeedNotReady.selector, b1, block.number + 1));
        jm.leaseBatches(jobId, _idx(1));
        _mine(2);
        address p1 = _lease(b1);
        bytes32 root1 = _merkleRoot(_unitRoots(b1, 8));
        bytes32 expected = jm.expectedCommitment(b1, root1, _salt(b1), p1);
        assertEq(expected, MarketMath.chainedCommitment(jobId, 1, 0, root1, _salt(b1), p1, root0));
        bytes32 plain = MarketMath.commitment(jobId, 1, 0, root1, _salt(b1), p1);
        assertTrue(plain != expected);
        // A commit that ignores the predecessor state never opens.
        vm.prank(p1);
        jm.commit(_refs(b1), _one(plain));
        _mine(2);
        jm.drawAudit(b1);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.NotStale.selector, b1));
        jm.reopenStale(b1);
    }

    function test_chain_successorVerifiedThenFinalizedAfterPredecessor() public {
        (address p0, address a0, bytes32[] memory u0) = _toAuditCommitted(b0, true);
        _revealAs(p0, b0, _merkleRoot(u0));
        (address p1, address a1, bytes32[] memory u1) = _toAuditCommitted(b1, true);
        _revealAs(p1, b1, _merkleRoot(u1));
        uint256 unit1 = _auditUnit(b1);
        vm.prank(a1);
        jm.revealAudit(b1, u1[unit1], _salt(b1), _merkleProof(u1, unit1));
        assertEq(uint256(jm.getBatch(b1).state), uint256(BatchState.Verified), "waits for its predecessor");
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.PredecessorNotAccepted.selector, b1));
        jm.finalize(b1);
        uint256 unit0 = _auditUnit(b0);
        vm.prank(a0);
        jm.revealAudit(b0, u0[unit0], _salt(b0), _merkleProof(u0, unit0));
        assertEq(uint256(jm.getBatch(b0).state), uint256(BatchState.Accepted));
        jm.finalize(b1);
        assertEq(uint256(jm.getBatch(b1).state), uint256(BatchState.Accepted));
        assertEq(registry.getNode(p1).locked, 0);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.WrongState.selector, b1, BatchState.Accepted));
        jm.finalize(b1);
        _assertConserved();
    }

    function test_chain_rejectedPredecessorReopensSuccessorWithCompensation() public {
        (address p0, address a0,) = _toAuditCommitted(b0, false);
        bytes32[] memory lazy = _unitRoots(_ref(999, 0), 8);
        _revealAs(p0, b0, _merkleRoot(lazy));
        uint256 unit = _auditUnit(b0);
        bytes32 truth = _unitRoots(b0, 8)[unit];
        vm.prank(a0);
        jm.revealAudit(b0, truth, _salt(b0), _noProof());
        assertEq(uint256(jm.getBatch(b0).state), uint256(BatchState.Disputed));
        // The successor builds on the revealed (wrong) state meanwhile.
        address p1 = _lease(b1);
        _mine(2);
        address member = _committeeCandidate(b0);
        bytes32 c = _unitCommitment(b0, member, truth);
        vm.prank(member);
        jm.joinCommittee(b0, c);
        vm.prank(member);
        jm.revealVote(b0, truth, _salt(b0));
        (,, uint256 start,,,) = jm.getDispute(b0);
        vm.warp(start + 60);
        jm.resolveDispute(b0);
        assertEq(uint256(jm.getBatch(b0).state), uint256(BatchState.Open), "chained batch re-runs");
        assertEq(jm.getBatch(b0).attempt, 1);
        uint256 pool = jm.getJob(jobId).compensationPool;
        assertGt(pool, 0);
        vm.prank(p1);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.StalePredecessor.selector, b1));
        jm.commit(_refs(b1), _one(bytes32(0)));
        uint256 credit = jm.creditOf(ownerOf[p1]);
        jm.reopenStale(b1);
        assertEq(uint256(jm.getBatch(b1).state), uint256(BatchState.Open));
        uint256 value = 8 * PRICE;
        uint256 comp = pool < value ? pool : value;
        assertEq(jm.creditOf(ownerOf[p1]) - credit, comp, "honest successor compensated from the slash");
        assertEq(registry.getNode(p1).locked, 0);
        _assertConserved();
    }

    // ---------------------------------------------------------------- orphans (predecessor Indeterminate)

    /// @dev Drives `ref` to a dispute nobody settles: honest primary, its auditor reveals without a proof.
    function _toDisputed(BatchRef ref) internal returns (address primary) {
        address auditor;
        bytes32[] memory units;
        (primary, auditor, units) = _toAuditCommitted(ref, true);
        _revealAs(primary, ref, _merkleRoot(units));
        bytes32 unitRoot = units[_auditUnit(ref)];
        vm.prank(auditor);
        jm.revealAudit(ref, unitRoot, _salt(ref), _noProof());
        assertEq(uint256(jm.getBatch(ref).state), uint256(BatchState.Disputed));
    }

    /// @dev Drives a successor to `Verified`: honest, audited, the audit matched; its predecessor is not accepted.
    function _toVerified(BatchRef ref) internal returns (address primary) {
        address auditor;
        bytes32[] memory units;
        (primary, auditor, units) = _toAuditCommitted(ref, true);
        _revealAs(primary, ref, _merkleRoot(units));
        uint256 unit = _auditUnit(ref);
        vm.prank(auditor);
        jm.revealAudit(ref, units[unit], _salt(ref), _merkleProof(units, unit));
        assertEq(uint256(jm.getBatch(ref).state), uint256(BatchState.Verified));
    }

    /// @dev Two committee rounds pass with nobody joining: no majority twice, the batch ends `Indeterminate`.
    function _resolveToIndeterminate(BatchRef ref) internal {
        uint256 w = config.marketParams().committeeWindow;
        (,, uint256 start,,,) = jm.getDispute(ref);
        if (block.timestamp < start + 2 * w) vm.warp(start + 2 * w);
        jm.resolveDispute(ref);
        uint256 round;
        (round,, start,,,) = jm.getDispute(ref);
        assertEq(round, 2, "redrawn once");
        vm.warp(start + 2 * w);
        jm.resolveDispute(ref);
        assertEq(uint256(jm.getBatch(ref).state), uint256(BatchState.Indeterminate));
    }

    function _assertNothingLocked() internal view {
        for (uint256 i; i < miners.length; ++i) {
            assertEq(registry.getNode(miners[i]).locked, 0, "no collateral or bond left locked");
        }
    }

    function test_closeOrphan_settlesTheWholeChainAfterAnIndeterminatePredecessor() public {
        BatchRef b2 = _ref(jobId, 2);
        BatchRef b3 = _ref(jobId, 3);
        _toDisputed(b0);
        // The successor builds on the disputed state and passes its own audit; the next link builds on it too.
        address p1 = _toVerified(b1);
        // b2's auditor has committed: its bond is locked until the audit ends.
        _toAuditCommitted(b2, true);
        _resolveToIndeterminate(b0);

        // The stranding: no other call moves the verified successor, so its collateral would stay locked.
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.PredecessorNotAccepted.selector, b1));
        jm.finalize(b1);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.NotStale.selector, b1));
        jm.reopenStale(b1);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.WrongState.selector, b1, BatchState.Verified));
        jm.forfeit(b1);
        // The chain is walked link by link: b2 is orphaned only once b1 is closed.
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.NotOrphaned.selector, b2, BatchState.Verified));
        jm.closeOrphan(b2);

        IJobMarket.JobView memory j = jm.getJob(jobId);
        assertEq(j.escrow, 24 * PRICE, "b1..b3 still escrowed");
        uint256 owed = j.escrow + j.auditReserve + j.bond + j.compensationPool;
        uint256 credit = jm.creditOf(requester);
        uint256 locked = registry.getNode(p1).locked;
        uint256 collateral = jm.getBatch(b1).collateral;
        vm.expectEmit(true, true, false, true, address(jm));
        emit IJobMarketTypes.BatchRefunded(b1, 8 * PRICE);
        vm.expectEmit(true, true, false, true, address(jm));
        emit IJobMarketTypes.BatchOrphaned(b1, p1, 0, 0);
        jm.closeOrphan(b1);
        assertEq(uint256(jm.getBatch(b1).state), uint256(BatchState.Indeterminate));
        assertEq(registry.getNode(p1).locked, locked - collateral, "collateral unlocked");
        assertEq(jm.creditOf(requester), credit + 8 * PRICE, "value refunded");
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.WrongState.selector, b1, BatchState.Indeterminate));
        jm.closeOrphan(b1);

        jm.closeOrphan(b2);
        assertEq(uint256(jm.getBatch(b2).state), uint256(BatchState.Indeterminate));
        // The open tail can never be leased: its predecessor will never reveal.
        (address anyone,) = _eligible(b3);
        if (anyone == address(0)) anyone = miner1;
        vm.prank(anyone);
        vm.expectRevert(
            abi.encodeWithSelector(IJobMarketTypes.PredecessorNotRevealed.selector, b3, BatchState.Indeterminate)
        );
        jm.leaseBatches(jobId, _idx(3));
        jm.closeOrphan(b3);

        j = jm.getJob(jobId);
        assertEq(j.status & JobStatus.FINAL, JobStatus.FINAL, "the job finishes before its deadline");
        assertEq(j.escrow + j.lockedValue + j.auditReserve + j.bond + j.compensationPool, 0, "nothing left");
        assertEq(jm.creditOf(requester), credit + owed, "every remaining wei back to the requester");
        _assertNothingLocked();
        _assertConserved();
    }

    function test_closeOrphan_compensatesThePrimaryFromThePool() public {
        // Attempt 0 of b0 cheats and loses its dispute: the slash funds the pool, b0 re-runs.
        (address p0, address a0,) = _toAuditCommitted(b0, false);
        _revealAs(p0, b0, _merkleRoot(_unitRoots(_ref(999, 0), 8)));
        bytes32 truth = _unitRoots(b0, 8)[_auditUnit(b0)];
        vm.prank(a0);
        jm.revealAudit(b0, truth, _salt(b0), _noProof());
        _mine(2);
        address member = _committeeCandidate(b0);
        bytes32 c = _unitCommitment(b0, member, truth);
        vm.prank(member);
        jm.joinCommittee(b0, c);
        vm.prank(member);
        jm.revealVote(b0, truth, _salt(b0));
        (,, uint256 start,,,) = jm.getDispute(b0);
        vm.warp(start + 2 * config.marketParams().committeeWindow);
        jm.resolveDispute(b0);
        assertEq(jm.getBatch(b0).attempt, 1);
        uint256 pool = jm.getJob(jobId).compensationPool;
        assertGt(pool, 0);
        // Attempt 1 ends indeterminate while its successor waits verified.
        _toDisputed(b0);
        address p1 = _toVerified(b1);
        _resolveToIndeterminate(b0);

        uint256 value = 8 * PRICE;
        uint256 comp = pool < value ? pool : value;
        uint256 minerCredit = jm.creditOf(ownerOf[p1]);
        uint256 requesterCredit = jm.creditOf(requester);
        vm.expectEmit(true, true, false, true, address(jm));
        emit IJobMarketTypes.BatchOrphaned(b1, p1, 0, comp);
        jm.closeOrphan(b1);
        assertEq(jm.creditOf(ownerOf[p1]) - minerCredit, comp, "compensated like a stale successor");
        assertEq(jm.getJob(jobId).compensationPool, pool - comp);
        assertEq(jm.creditOf(requester) - requesterCredit, value, "the batch's value goes back in full");
        _assertNothingLocked();
        _assertConserved();
    }

    function test_closeOrphan_onARefundedJobMovesOnlyWhatIsStillEscrowed() public {
        BatchRef b2 = _ref(jobId, 2);
        _toDisputed(b0);
        address p1 = _toVerified(b1);
        _resolveToIndeterminate(b0);
        vm.warp(jm.getJob(jobId).deadline);
        jm.refund(jobId);
        IJobMarket.JobView memory j = jm.getJob(jobId);
        assertEq(j.status & (JobStatus.CLOSED | JobStatus.FINAL), JobStatus.CLOSED, "b1 still in flight");
        assertEq(j.lockedValue, 8 * PRICE);
        uint256 owed = j.escrow + j.auditReserve + j.bond + j.compensationPool;
        uint256 credit = jm.creditOf(requester);
        jm.closeOrphan(b1);
        j = jm.getJob(jobId);
        assertEq(j.status & JobStatus.FINAL, JobStatus.FINAL, "the last batch in flight finishes the job");
        assertEq(jm.creditOf(requester), credit + owed);
        assertEq(registry.getNode(p1).locked, 0);
        // The open links were refunded by `refund`: closing them moves nothing.
        jm.closeOrphan(b2);
        jm.closeOrphan(_ref(jobId, 3));
        assertEq(uint256(jm.getBatch(_ref(jobId, 3)).state), uint256(BatchState.Indeterminate));
        assertEq(jm.creditOf(requester), credit + owed, "no second refund");
        _assertConserved();
    }

    function test_RevertWhen_closeOrphanWithoutIndeterminatePredecessor() public {
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.NotOrphaned.selector, b0, BatchState.Accepted));
        jm.closeOrphan(b0);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.NotOrphaned.selector, b1, BatchState.Open));
        jm.closeOrphan(b1);
        BatchRef plain = _ref(_createJob(_params(16, 8)), 1);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.NotOrphaned.selector, plain, BatchState.Accepted));
        jm.closeOrphan(plain);
        // A successor in a dispute resolves first (its committee holds bonds).
        _toDisputed(b0);
        _toDisputed(b1);
        _resolveToIndeterminate(b0);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.WrongState.selector, b1, BatchState.Disputed));
        jm.closeOrphan(b1);
        _resolveToIndeterminate(b1);
        _assertNothingLocked();
        _assertConserved();
    }
}
