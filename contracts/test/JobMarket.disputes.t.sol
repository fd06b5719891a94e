// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {MarketFixture} from "./JobMarketFixture.t.sol";
import {IJobMarket, IJobMarketTypes} from "../src/interfaces/IJobMarket.sol";
import {ConfigKeys} from "../src/interfaces/IProtocolConfig.sol";
import {DeviceClass} from "../src/interfaces/Types.sol";
import {BatchRef, BatchState, BatchFlags, JobParams} from "../src/libraries/JobMarketTypes.sol";
import {MarketMath} from "../src/libraries/MarketMath.sol";

/// @dev Disputes: the primary's proof, committee seats and votes, every outcome, and the slash split.
contract JobMarketDisputesTest is MarketFixture {
    uint256 internal jobId;
    BatchRef internal ref;
    address internal primary;
    address internal auditor;
    bytes32[] internal honest;
    bytes32[] internal primaryUnits;
    uint256 internal unit;

    function setUp() public override {
        super.setUp();
        JobParams memory p = _params(64, 8);
        p.minAuditBps = 10_000;
        jobId = _createJob(p);
        ref = _ref(jobId, 0);
        honest = _unitRoots(ref, 8);
    }

    /// @dev Drives batch 0 into a dispute: the primary commits honest or garbage results, the auditor
    /// commits the honest unit root or a lie, the primary reveals, the auditor reveals without a proof.
    function _openDispute(bool primaryHonest, bool auditorHonest) internal {
        primary = _lease(ref);
        primaryUnits = primaryHonest ? honest : _unitRoots(_ref(999, 0), 8);
        bytes32 root = _merkleRoot(primaryUnits);
        assertTrue(_commitAndDraw(primary, ref, root));
        auditor = _seatCandidate(ref);
        vm.prank(auditor);
        jm.claimAuditSeat(ref);
        unit = _auditUnit(ref);
        bytes32 auditRoot = auditorHonest ? honest[unit] : bytes32("lie");
        bytes32 c = _unitCommitment(ref, auditor, auditRoot);
        vm.prank(auditor);
        jm.commitAudit(ref, c);
        _revealAs(primary, ref, root);
        vm.prank(auditor);
        jm.revealAudit(ref, auditRoot, _salt(ref), _noProof());
        assertEq(uint256(jm.getBatch(ref).state), uint256(BatchState.Disputed));
        _mine(2);
    }

    function _join(address member, bytes32 vote) internal {
        bytes32 c = _unitCommitment(ref, member, vote);
        vm.prank(member);
        jm.joinCommittee(ref, c);
    }

    function _vote(address member, bytes32 vote) internal {
        vm.prank(member);
        jm.revealVote(ref, vote, _salt(ref));
    }

    function _phaseEnd() internal view returns (uint256) {
        (,, uint256 start,,,) = jm.getDispute(ref);
        return start + 60;
    }

    function _prove() internal {
        jm.proveUnit(ref, primaryUnits[unit], _merkleProof(primaryUnits, unit));
    }

    function test_Attack_LazyMinerReturnsRandomOutput() public {
        _openDispute(false, true);
        uint256 collateral = jm.getBatch(ref).collateral;
        uint256 rep = _rep(primary);
        address member = _committeeCandidate(ref);
        _join(member, honest[unit]);
        _vote(member, honest[unit]);
        uint256 supply = token.totalSupply();
        vm.warp(_phaseEnd());
        jm.resolveDispute(ref);

        IJobMarket.BatchView memory b = jm.getBatch(ref);
        assertEq(uint256(b.state), uint256(BatchState.Accepted));
        assertEq(b.flags & BatchFlags.PRIMARY_SLASHED, BatchFlags.PRIMARY_SLASHED);
        assertEq(registry.getNode(primary).stake, STAKE - collateral, "collateral slashed");
        assertEq(registry.getNode(primary).locked, 0);
        assertEq(_rep(primary), rep / 2);
        (uint256 toWinners,, uint256 toTreasury) = MarketMath.feeSplit(8 * PRICE, 200, 5_000);
        (uint256 perSlash, uint256 slashBurn) = MarketMath.slashSplit(collateral, 2);
        uint256 each = toWinners / 2 + perSlash + PRICE;
        assertEq(jm.creditOf(ownerOf[auditor]), each, "auditor: half the price, half the slash share, unit pay");
        assertEq(jm.creditOf(ownerOf[member]), each, "member likewise");
        assertEq(jm.creditOf(treasury), toTreasury);
        assertEq(supply - token.totalSupply(), 8 * PRICE - toTreasury - 2 * (toWinners / 2) + slashBurn);
        assertGe(slashBurn, collateral / 2, "at least half the slash burned");
        assertEq(registry.getNode(auditor).locked, 0);
        assertEq(registry.getNode(member).locked, 0);
        _assertConserved();
    }

    function test_resolveDispute_primaryWinsAgainstLyingAuditor() public {
        _openDispute(true, false);
        _prove();
        address member = _committeeCandidate(ref);
        _join(member, honest[unit]);
        _vote(member, honest[unit]);
        uint256 repPrimary = _rep(primary);
        // Everyone in: resolution need not wait for the end of the reveal phase.
        jm.resolveDispute(ref);
        IJobMarket.BatchView memory b = jm.getBatch(ref);
        assertEq(uint256(b.state), uint256(BatchState.Accepted));
        assertEq(b.flags & BatchFlags.AUDIT_PASSED, BatchFlags.AUDIT_PASSED);
        assertEq(registry.getNode(auditor).stake, STAKE - 1e18, "challenge bond slashed");
        assertEq(_rep(primary), repPrimary + (10_000 - repPrimary) / 16);
        (uint256 toMiner,,) = MarketMath.feeSplit(8 * PRICE, 200, 5_000);
        assertEq(jm.creditOf(ownerOf[primary]), toMiner + 0.25e18);
        assertEq(jm.creditOf(ownerOf[member]), PRICE + 0.25e18);
        assertEq(registry.getNode(primary).locked, 0);
        _assertConserved();
    }

    function test_resolveDispute_auditorWithoutProofButSameRootIsAMatch() public {
        _openDispute(true, true);
        _prove();
        vm.warp(_phaseEnd());
        jm.resolveDispute(ref);
        assertEq(uint256(jm.getBatch(ref).state), uint256(BatchState.Accepted));
        assertEq(registry.getNode(auditor).stake, STAKE, "no slash for an honest auditor");
        assertEq(jm.creditOf(ownerOf[auditor]), PRICE);
        _assertConserved();
    }

    function test_Attack_CommitteeMemberNeverReveals_redrawThenIndeterminate() public {
        _openDispute(true, false);
        _prove();
        address member = _committeeCandidate(ref);
        _join(member, honest[unit]);
        vm.warp(_phaseEnd());
        jm.resolveDispute(ref);
        (uint256 round,,,,,) = jm.getDispute(ref);
        assertEq(round, 2, "no majority: redrawn once");
        assertEq(registry.getNode(member).stake, STAKE - 1e18, "absent member slashed");
        assertEq(uint256(jm.getBatch(ref).state), uint256(BatchState.Disputed));
        // Nobody joins the second committee either: indeterminate, no blame, value back to the requester.
        uint256 credit = jm.creditOf(requester);
        vm.warp(_phaseEnd());
        jm.resolveDispute(ref);
        assertEq(uint256(jm.getBatch(ref).state), uint256(BatchState.Indeterminate));
        assertEq(jm.creditOf(requester), credit + 8 * PRICE);
        assertEq(registry.getNode(primary).locked, 0);
        assertEq(registry.getNode(auditor).locked, 0);
        assertEq(registry.getNode(auditor).stake, STAKE, "no slash without a majority");
        _assertConserved();
    }

    function test_RevertWhen_joinCommitteeByParty() public {
        _openDispute(true, false);
        assertFalse(jm.committeeEligibility(ref, primary));
        assertFalse(jm.committeeEligibility(ref, auditor));
        bytes32 c = _unitCommitment(ref, primary, honest[unit]);
        vm.prank(primary);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.NotEligible.selector, ref, primary));
        jm.joinCommittee(ref, c);
    }

    function test_RevertWhen_joinCommitteeFullOrLate() public {
        _openDispute(true, false);
        address member = _committeeCandidate(ref);
        _join(member, honest[unit]);
        address other;
        for (uint256 i; i < miners.length; ++i) {
            if (miners[i] != primary && miners[i] != auditor && miners[i] != member) other = miners[i];
        }
        vm.prank(other);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.CommitteeFull.selector, ref, 1));
        jm.joinCommittee(ref, bytes32(0));
        (,, uint256 start,,,) = jm.getDispute(ref);
        vm.warp(start + 30);
        vm.prank(other);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.WrongPhase.selector, ref, start, start + 30));
        jm.joinCommittee(ref, bytes32(0));
    }

    function test_RevertWhen_joinCommitteeSameOwnerTwice() public {
        _govern(ConfigKeys.COMMITTEE_SIZE, 3);
        _openDispute(true, false);
        address member;
        for (uint256 i; i < miners.length; ++i) {
            if (miners[i] != primary && miners[i] != auditor) member = miners[i];
        }
        address sibling = makeAddr("sibling");
        _registerNode(sibling, ownerOf[member], DeviceClass.GPU, STAKE);
        vm.warp(block.timestamp + 22); // widened to certainty, still inside the commit phase
        _join(member, honest[unit]);
        bytes32 c = _unitCommitment(ref, sibling, honest[unit]);
        vm.prank(sibling);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.AlreadyMember.selector, ref, sibling));
        jm.joinCommittee(ref, c);
    }

    function test_RevertWhen_revealVoteWrongCaller_twice_orWrongRoot() public {
        _openDispute(true, false);
        address member = _committeeCandidate(ref);
        _join(member, honest[unit]);
        vm.prank(primary);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.NotMember.selector, ref, primary));
        jm.revealVote(ref, honest[unit], _salt(ref));
        bytes32 stored = _unitCommitment(ref, member, honest[unit]);
        bytes32 computed = _unitCommitment(ref, member, bytes32("other"));
        vm.prank(member);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.CommitmentMismatch.selector, ref, stored, computed));
        jm.revealVote(ref, bytes32("other"), _salt(ref));
        _vote(member, honest[unit]);
        vm.prank(member);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.AlreadyRevealed.selector, ref, member));
        jm.revealVote(ref, honest[unit], _salt(ref));
    }

    function test_RevertWhen_revealVoteBeforeCommitPhaseEnds() public {
        _govern(ConfigKeys.COMMITTEE_SIZE, 3);
        _openDispute(true, false);
        address member = _committeeCandidate(ref);
        _join(member, honest[unit]);
        (,, uint256 start,,,) = jm.getDispute(ref);
        vm.prank(member);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.WrongPhase.selector, ref, start + 30, start + 60));
        jm.revealVote(ref, honest[unit], _salt(ref));
    }

    function test_RevertWhen_resolveBeforeRevealPhaseEnds() public {
        _openDispute(true, false);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.DeadlineNotReached.selector, ref, _phaseEnd()));
        jm.resolveDispute(ref);
    }

    function test_RevertWhen_proveUnitWithBadProof() public {
        _openDispute(true, false);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.InvalidProof.selector, ref, unit));
        jm.proveUnit(ref, bytes32("x"), _merkleProof(primaryUnits, unit));
        _prove();
        (,,,, bool proven, bytes32 proved) = jm.getDispute(ref);
        assertTrue(proven);
        assertEq(proved, honest[unit]);
    }

    function test_RevertWhen_disputeCallsOnUndisputedBatch() public {
        primary = _lease(ref);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.WrongState.selector, ref, BatchState.Leased));
        jm.resolveDispute(ref);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.WrongState.selector, ref, BatchState.Leased));
        jm.joinCommittee(ref, bytes32(0));
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.WrongState.selector, ref, BatchState.Leased));
        jm.proveUnit(ref, bytes32(0), _noProof());
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.WrongState.selector, ref, BatchState.Leased));
        jm.revealVote(ref, bytes32(0), bytes32(0));
    }

    function testFuzz_slashSplit_conserves(uint256 slashed, uint8 winners) public pure {
        slashed = bound(slashed, 0, 1e30);
        uint256 w = bound(winners, 0, 20);
        (uint256 per, uint256 burned) = MarketMath.slashSplit(slashed, w);
        assertEq(per * w + burned, slashed);
        assertGe(burned, slashed / 2);
    }

    function test_Attack_MinerNeverServesResults() public {
        // Honest results, but the primary never serves them: the auditor cannot build the proof and
        // disagrees; the primary does not prove its unit either, so the majority root stands against it.
        _openDispute(true, true);
        uint256 collateral = jm.getBatch(ref).collateral;
        address member = _committeeCandidate(ref);
        _join(member, honest[unit]);
        _vote(member, honest[unit]);
        vm.warp(_phaseEnd());
        jm.resolveDispute(ref);
        assertEq(jm.getBatch(ref).flags & BatchFlags.PRIMARY_SLASHED, BatchFlags.PRIMARY_SLASHED);
        assertEq(registry.getNode(primary).stake, STAKE - collateral, "unavailable results lose the dispute");
        _assertConserved();
    }
}
