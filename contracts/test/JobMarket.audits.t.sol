// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {MarketFixture} from "./JobMarketFixture.t.sol";
import {IJobMarket, IJobMarketTypes} from "../src/interfaces/IJobMarket.sol";
import {JobMarketModule} from "../src/market/JobMarketModule.sol";
import {DeviceClass} from "../src/interfaces/Types.sol";
import {BatchRef, BatchState, BatchFlags, JobParams} from "../src/libraries/JobMarketTypes.sol";

/// @dev Audits: draw, seats, auditor commit / reveal, forced and lapsed audits, withheld reveals.
contract JobMarketAuditsTest is MarketFixture {
    uint256 internal jobId;
    BatchRef internal ref;
    address internal primary;
    bytes32[] internal units;
    bytes32 internal root;

    function setUp() public override {
        super.setUp();
        JobParams memory p = _params(64, 8);
        p.minAuditBps = 10_000; // every batch audited
        jobId = _createJob(p);
        ref = _ref(jobId, 0);
        primary = _lease(ref);
        units = _unitRoots(ref, 8);
        root = _merkleRoot(units);
        assertTrue(_commitAndDraw(primary, ref, root), "audited");
    }

    function test_claimAuditSeat_storesDrawAndLocksBond() public {
        address auditor = _seatCandidate(ref);
        vm.prank(auditor);
        jm.claimAuditSeat(ref);
        assertEq(uint256(jm.getBatch(ref).state), uint256(BatchState.AuditSeated));
        (address seated, uint256 seatDeadline,,, bool committed,,) = jm.getAudit(ref);
        assertEq(seated, auditor);
        assertEq(seatDeadline, block.timestamp + 30);
        assertFalse(committed);
        assertEq(registry.getNode(auditor).locked, 1e18, "challenge bond locked");
        (bool ready, bool audited, bool forced,) = jm.auditDraw(ref);
        assertTrue(ready && audited && !forced);
    }

    function test_Attack_CollusionPrimaryAuditor_sameOwnerNeverSeated() public {
        address sibling = makeAddr("sibling");
        _registerNode(sibling, ownerOf[primary], DeviceClass.GPU, STAKE);
        _mine(1);
        assertFalse(jm.seatEligibility(ref, sibling));
        vm.prank(sibling);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.SameOwner.selector, sibling, ownerOf[primary]));
        jm.claimAuditSeat(ref);
    }

    function test_RevertWhen_claimSeatTaken() public {
        address auditor = _seatCandidate(ref);
        vm.prank(auditor);
        jm.claimAuditSeat(ref);
        (, uint256 seatDeadline,,,,,) = jm.getAudit(ref);
        vm.prank(auditor);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.SeatTaken.selector, ref, auditor, seatDeadline));
        jm.claimAuditSeat(ref);
    }

    function test_claimAuditSeat_replacesHolderWhoMissedItsWindow() public {
        address first = _seatCandidate(ref);
        vm.prank(first);
        jm.claimAuditSeat(ref);
        uint256 rep = _rep(first);
        vm.warp(block.timestamp + 31);
        address second;
        for (uint256 w; w < 16 && second == address(0); ++w) {
            for (uint256 i; i < miners.length; ++i) {
                if (miners[i] != first && jm.seatEligibility(ref, miners[i])) second = miners[i];
            }
            if (second == address(0)) vm.warp(block.timestamp + 30);
        }
        assertTrue(second != address(0));
        vm.prank(second);
        jm.claimAuditSeat(ref);
        (address seated,,,,,,) = jm.getAudit(ref);
        assertEq(seated, second);
        assertEq(registry.getNode(first).locked, 0, "old bond released");
        assertEq(_rep(first), rep - rep / 8, "missed window counts as an expiry");
    }

    function test_RevertWhen_claimSeatNotEligible() public {
        vm.prank(primary);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.SameOwner.selector, primary, ownerOf[primary]));
        jm.claimAuditSeat(ref);
        // A node outside the seat window's sortition.
        for (uint256 i; i < miners.length; ++i) {
            address m = miners[i];
            if (m == primary || jm.seatEligibility(ref, m)) continue;
            if (uint256(jm.getBatch(ref).state) == uint256(BatchState.Committed)) jm.drawAudit(ref);
            vm.prank(m);
            vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.NotEligible.selector, ref, m));
            jm.claimAuditSeat(ref);
            return;
        }
    }

    function test_RevertWhen_primaryRevealsBeforeAuditCommit() public {
        vm.prank(primary);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.AuditPending.selector, ref));
        jm.reveal(_refs(ref), _one(root), _one(_salt(ref)));
        jm.drawAudit(ref);
        vm.prank(primary);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.AuditPending.selector, ref));
        jm.reveal(_refs(ref), _one(root), _one(_salt(ref)));
    }

    function test_RevertWhen_drawAuditTwice() public {
        jm.drawAudit(ref);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.WrongState.selector, ref, BatchState.AuditSeated));
        jm.drawAudit(ref);
    }

    function test_RevertWhen_commitAuditNotSeatHolder() public {
        address auditor = _seatCandidate(ref);
        vm.prank(auditor);
        jm.claimAuditSeat(ref);
        vm.prank(primary);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.NotAuditor.selector, ref, primary));
        jm.commitAudit(ref, bytes32(uint256(1)));
    }

    function test_RevertWhen_commitAuditAfterSeatWindow() public {
        address auditor = _seatCandidate(ref);
        vm.prank(auditor);
        jm.claimAuditSeat(ref);
        (, uint256 seatDeadline,,,,,) = jm.getAudit(ref);
        vm.warp(seatDeadline + 1);
        vm.prank(auditor);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.DeadlinePassed.selector, ref, seatDeadline));
        jm.commitAudit(ref, bytes32(uint256(1)));
    }

    function test_revealAudit_matchAcceptsAndPaysBoth() public {
        uint256 unit = _auditUnit(ref);
        // The unit index is drawn at the first seat claim; commit the honest unit root.
        address auditor = _seatCandidate(ref);
        vm.prank(auditor);
        jm.claimAuditSeat(ref);
        unit = _auditUnit(ref);
        bytes32 auditCommitment = _unitCommitment(ref, auditor, units[unit]);
        vm.prank(auditor);
        jm.commitAudit(ref, auditCommitment);
        uint256 repPrimary = _rep(primary);
        _revealAs(primary, ref, root);
        assertEq(uint256(jm.getBatch(ref).state), uint256(BatchState.Revealed));
        vm.prank(auditor);
        jm.revealAudit(ref, units[unit], _salt(ref), _merkleProof(units, unit));
        IJobMarket.BatchView memory b = jm.getBatch(ref);
        assertEq(uint256(b.state), uint256(BatchState.Accepted));
        assertEq(b.flags & BatchFlags.AUDIT_PASSED, BatchFlags.AUDIT_PASSED);
        assertEq(_rep(primary), repPrimary + (10_000 - repPrimary) / 16);
        assertEq(jm.creditOf(ownerOf[auditor]), PRICE, "auditor paid one unit from the reserve");
        assertEq(registry.getNode(auditor).locked, 0);
        assertEq(registry.getNode(primary).locked, 0);
        assertEq(jm.getJob(jobId).auditReserve, 100e18 - PRICE);
        _assertConserved();
    }

    /// @dev A committed, audited batch of one unit (its Merkle proof is empty).
    function _auditedOneUnitBatch() internal returns (BatchRef one, address miner, bytes32 unitRoot, bytes32 oneRoot) {
        JobParams memory p = _params(4, 1);
        p.minAuditBps = 10_000;
        one = _ref(_createJob(p), 0);
        miner = _lease(one);
        bytes32[] memory units1 = _unitRoots(one, 1);
        unitRoot = units1[0];
        oneRoot = _merkleRoot(units1);
        assertTrue(_commitAndDraw(miner, one, oneRoot), "audited");
    }

    function test_revealAudit_oneUnitBatchMatchesWithEmptyProof() public {
        (BatchRef one, address miner, bytes32 unitRoot, bytes32 oneRoot) = _auditedOneUnitBatch();
        address auditor = _audit(one, unitRoot);
        _revealAs(miner, one, oneRoot);
        vm.prank(auditor);
        jm.revealAudit(one, unitRoot, _salt(one), _noProof());
        IJobMarket.BatchView memory b = jm.getBatch(one);
        assertEq(uint256(b.state), uint256(BatchState.Accepted), "a matching one-unit audit is accepted, not disputed");
        assertEq(b.flags & BatchFlags.AUDIT_PASSED, BatchFlags.AUDIT_PASSED);
        _assertConserved();
    }

    function test_revealAudit_oneUnitBatchMismatchDisputes() public {
        (BatchRef one, address miner,, bytes32 oneRoot) = _auditedOneUnitBatch();
        bytes32 other = keccak256("a different unit result");
        address auditor = _audit(one, other);
        _revealAs(miner, one, oneRoot);
        vm.prank(auditor);
        jm.revealAudit(one, other, _salt(one), _noProof());
        assertEq(uint256(jm.getBatch(one).state), uint256(BatchState.Disputed));
    }

    function test_RevertWhen_revealAuditByOther() public {
        address auditor = _audit(ref, units[0]);
        _revealAs(primary, ref, root);
        vm.prank(primary);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.NotAuditor.selector, ref, primary));
        jm.revealAudit(ref, units[0], _salt(ref), _noProof());
        auditor;
    }

    function test_RevertWhen_revealAuditBeforePrimary() public {
        address auditor = _audit(ref, units[0]);
        vm.prank(auditor);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.WrongState.selector, ref, BatchState.AuditCommitted));
        jm.revealAudit(ref, units[0], _salt(ref), _noProof());
    }

    function test_Attack_AuditorAgreesWithoutComputing() public {
        // The lazy auditor commits a guess before any reveal; once the primary reveals, the real unit root
        // does not open its commitment, so it can neither agree nor stay silent without losing its bond.
        address auditor = _audit(ref, bytes32("guess"));
        _revealAs(primary, ref, root);
        uint256 unit = _auditUnit(ref);
        bytes32 stored = _unitCommitment(ref, auditor, bytes32("guess"));
        bytes32 computed = _unitCommitment(ref, auditor, units[unit]);
        vm.prank(auditor);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.CommitmentMismatch.selector, ref, stored, computed));
        jm.revealAudit(ref, units[unit], _salt(ref), _merkleProof(units, unit));
        // Silence is a lost dispute: bond slashed, primary accepted and paid half of it.
        uint256 supply = token.totalSupply();
        vm.warp(jm.getBatch(ref).deadline + 1);
        jm.forfeit(ref);
        assertEq(uint256(jm.getBatch(ref).state), uint256(BatchState.Accepted));
        assertEq(registry.getNode(auditor).stake, STAKE - 1e18);
        assertEq(token.totalSupply(), supply - 0.5e18 - (8 * PRICE * 200 / 10_000) / 2, "half the bond + fee burn");
        _assertConserved();
    }

    function test_Attack_WithholdRevealOnceAudited() public {
        uint256 unit;
        address auditor = _seatCandidate(ref);
        vm.prank(auditor);
        jm.claimAuditSeat(ref);
        unit = _auditUnit(ref);
        bytes32 auditCommitment = _unitCommitment(ref, auditor, units[unit]);
        vm.prank(auditor);
        jm.commitAudit(ref, auditCommitment);
        // The primary learns it is checked and withholds: a lost dispute, the batch re-opens.
        uint256 collateral = jm.getBatch(ref).collateral;
        uint256 rep = _rep(primary);
        IJobMarket.BatchView memory b = jm.getBatch(ref);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.DeadlineNotReached.selector, ref, b.deadline));
        jm.forfeit(ref);
        vm.warp(b.deadline + 1);
        jm.forfeit(ref);
        assertEq(registry.getNode(primary).stake, STAKE - collateral);
        assertEq(_rep(primary), rep / 2);
        assertEq(uint256(jm.getBatch(ref).state), uint256(BatchState.Open));
        assertEq(jm.getBatch(ref).attempt, 1);
        assertEq(jm.creditOf(ownerOf[auditor]), PRICE + collateral / 2, "unit pay + half the slash");
        assertEq(registry.getNode(auditor).locked, 0);
        _assertConserved();
    }

    function test_audit_lapsesToFeesOnlyWithoutAuditor() public {
        jm.drawAudit(ref);
        vm.prank(primary);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.AuditPending.selector, ref));
        jm.reveal(_refs(ref), _one(root), _one(_salt(ref)));
        vm.warp(block.timestamp + 8 * 30);
        uint256 work = _work(primary);
        _revealAs(primary, ref, root);
        IJobMarket.BatchView memory b = jm.getBatch(ref);
        assertEq(uint256(b.state), uint256(BatchState.Accepted));
        assertEq(b.flags & BatchFlags.AUDIT_LAPSED, BatchFlags.AUDIT_LAPSED);
        assertEq(_work(primary), work, "no emission for a lapsed audit");
        _assertConserved();
    }

    function test_Attack_GrindOrWaitOutAuditSeed_forcesAudit() public {
        // A second job whose draw would normally be random: wait until its seed block is out of reach.
        JobParams memory p = _params(8, 8);
        uint256 other = _createJob(p);
        BatchRef r2 = _ref(other, 0);
        address node = _lease(r2);
        bytes32 root2 = _merkleRoot(_unitRoots(r2, 8));
        _commitAs(node, r2, root2);
        vm.roll(block.number + 300);
        (bool ready, bool audited, bool forced,) = jm.auditDraw(r2);
        assertTrue(ready && audited && forced, "expired seed forces the audit");
        jm.drawAudit(r2);
        assertEq(uint256(jm.getBatch(r2).state), uint256(BatchState.AuditSeated));
        assertEq(jm.getBatch(r2).flags & BatchFlags.FORCED, BatchFlags.FORCED);
        // Seats come from a block after the forced draw, never from the stale one.
        vm.prank(miner1);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.SeedNotReady.selector, r2, block.number + 1));
        jm.claimAuditSeat(r2);
        _mine(2);
        address auditor = _seatCandidate(r2);
        vm.prank(auditor);
        jm.claimAuditSeat(r2);
        (,,,, bool committed,,) = jm.getAudit(r2);
        assertFalse(committed);
    }

    function _work(address node) internal view returns (uint256 w) {
        (w,) = rewardEngine.nodeEpochWeight(rewardEngine.currentEpoch(), node);
    }

    function test_RevertWhen_moduleCalledDirectly() public {
        (address audits,) = jm.modules();
        vm.expectRevert(JobMarketModule.NotDelegated.selector);
        IJobMarket(audits).drawAudit(ref);
    }

    function test_forfeit_primarySilentAfterLapsedAudit() public {
        jm.drawAudit(ref);
        (,, uint256 seatStart,,,,) = jm.getAudit(ref);
        uint256 due = seatStart + 8 * 30 + 30;
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.DeadlineNotReached.selector, ref, due));
        jm.forfeit(ref);
        vm.warp(due + 1);
        uint256 collateral = jm.getBatch(ref).collateral;
        jm.forfeit(ref);
        assertEq(registry.getNode(primary).stake, STAKE - collateral);
        assertEq(uint256(jm.getBatch(ref).state), uint256(BatchState.Open));
        _assertConserved();
    }

    function test_RevertWhen_drawAuditBeforeSeedBlock() public {
        JobParams memory p = _params(8, 8);
        uint256 other = _createJob(p);
        BatchRef r2 = _ref(other, 0);
        address node = _lease(r2);
        _commitAs(node, r2, bytes32("root"));
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.SeedNotReady.selector, r2, block.number + 1));
        jm.drawAudit(r2);
    }

    function test_RevertWhen_reopenStaleOnUnchainedOrOpenBatch() public {
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.NotStale.selector, ref));
        jm.reopenStale(ref);
        BatchRef open = _ref(jobId, 3);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.WrongState.selector, open, BatchState.Open));
        jm.reopenStale(open);
    }

    function test_forfeit_paysAuditorEvenWhenTheReopenFinishesACancelledJob() public {
        address auditor = _seatCandidate(ref);
        vm.prank(auditor);
        jm.claimAuditSeat(ref);
        bytes32 c = _unitCommitment(ref, auditor, units[_auditUnit(ref)]);
        vm.prank(auditor);
        jm.commitAudit(ref, c);
        vm.prank(requester);
        jm.cancel(jobId);
        vm.warp(jm.getBatch(ref).deadline + 1);
        uint256 collateral = jm.getBatch(ref).collateral;
        jm.forfeit(ref);
        assertEq(jm.creditOf(ownerOf[auditor]), PRICE + collateral / 2, "unit pay survives the job's end");
        assertEq(jm.getJob(jobId).auditReserve, 0, "rest of the reserve returned");
        _assertConserved();
    }
}
