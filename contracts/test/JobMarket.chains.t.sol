// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {MarketFixture} from "./JobMarketFixture.t.sol";
import {IJobMarket, IJobMarketTypes} from "../src/interfaces/IJobMarket.sol";
import {ConfigKeys} from "../src/interfaces/IProtocolConfig.sol";
import {BatchRef, BatchState, BatchFlags, JobParams} from "../src/libraries/JobMarketTypes.sol";
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
}
