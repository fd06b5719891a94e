// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {MarketFixture} from "./JobMarketFixture.t.sol";
import {IJobMarket, IJobMarketTypes} from "../src/interfaces/IJobMarket.sol";
import {BatchRef, BatchState, BatchFlags, JobParams} from "../src/libraries/JobMarketTypes.sol";
import {MarketMath} from "../src/libraries/MarketMath.sol";

contract JobMarketCommitRevealTest is MarketFixture {
    uint256 internal jobId;

    function setUp() public override {
        super.setUp();
        JobParams memory p = _params(64, 8);
        jobId = _createJob(p);
    }

    /// @dev Leases, commits and mines until it finds a batch whose draw says "not audited".
    function _unauditedBatch() internal returns (BatchRef ref, address node, bytes32 root) {
        for (uint256 i; i < 8; ++i) {
            ref = _ref(jobId, i);
            node = _lease(ref);
            root = _merkleRoot(_unitRoots(ref, 8));
            if (!_commitAndDraw(node, ref, root)) return (ref, node, root);
        }
        revert("no unaudited batch in 8 draws");
    }

    function test_reveal_acceptsUnauditedBatchAndPays() public {
        (BatchRef ref, address node, bytes32 root) = _unauditedBatch();
        uint256 lockedBefore = registry.getNode(node).locked;
        assertGt(lockedBefore, 0);
        uint256 escrowBefore = jm.getJob(jobId).escrow;
        _revealAs(node, ref, root);
        IJobMarket.BatchView memory b = jm.getBatch(ref);
        assertEq(uint256(b.state), uint256(BatchState.Accepted));
        assertEq(b.digest, root);
        uint256 value = 8 * PRICE;
        (uint256 toMiner,, uint256 toTreasury) = MarketMath.feeSplit(value, 200, 5_000);
        assertEq(jm.creditOf(ownerOf[node]), toMiner, "miner credit");
        assertEq(jm.creditOf(treasury), toTreasury, "treasury credit");
        assertEq(jm.getJob(jobId).escrow, escrowBefore - value);
        assertEq(registry.getNode(node).locked, lockedBefore - b.collateral);
        _assertConserved();
        uint256 bal = token.balanceOf(ownerOf[node]);
        vm.prank(ownerOf[node]);
        jm.withdraw();
        assertEq(token.balanceOf(ownerOf[node]), bal + toMiner);
        _assertConserved();
    }

    // ---------------------------------------------------------------- commit

    function test_commit_storesCommitmentAndDeadline() public {
        BatchRef ref = _ref(jobId, 0);
        address node = _lease(ref);
        bytes32 c = jm.expectedCommitment(ref, bytes32("root"), _salt(ref), node);
        assertEq(c, MarketMath.commitment(jobId, 0, 0, bytes32("root"), _salt(ref), node), "six-field formula");
        vm.expectEmit(true, true, false, true, address(jm));
        emit IJobMarketTypes.BatchCommitted(ref, node, 0, c);
        vm.prank(node);
        jm.commit(_refs(ref), _one(c));
        IJobMarket.BatchView memory b = jm.getBatch(ref);
        assertEq(uint256(b.state), uint256(BatchState.Committed));
        assertEq(b.digest, c);
        assertEq(b.anchorBlock, block.number);
        assertEq(b.deadline, block.timestamp + 30);
    }

    function test_RevertWhen_commitByOtherNode() public {
        BatchRef ref = _ref(jobId, 0);
        address node = _lease(ref);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.NotPrimary.selector, ref, bob, node));
        jm.commit(_refs(ref), _one(bytes32(0)));
    }

    function test_RevertWhen_commitOpenBatch() public {
        BatchRef ref = _ref(jobId, 0);
        vm.prank(miner1);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.WrongState.selector, ref, BatchState.Open));
        jm.commit(_refs(ref), _one(bytes32(0)));
    }

    function test_RevertWhen_commitAfterLeaseEnd() public {
        BatchRef ref = _ref(jobId, 0);
        address node = _lease(ref);
        uint256 end = jm.getBatch(ref).deadline;
        vm.warp(end + 1);
        vm.prank(node);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.DeadlinePassed.selector, ref, end));
        jm.commit(_refs(ref), _one(bytes32(0)));
    }

    function test_RevertWhen_commitListsMismatch() public {
        vm.prank(miner1);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.LengthMismatch.selector, 1, 0));
        jm.commit(_refs(_ref(jobId, 0)), new bytes32[](0));
        vm.prank(miner1);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.BatchListLength.selector, 0, 64));
        jm.commit(new BatchRef[](0), new bytes32[](0));
    }

    // ---------------------------------------------------------------- reveal

    function test_RevertWhen_revealBeforeAuditSeedIsMined() public {
        BatchRef ref = _ref(jobId, 0);
        address node = _lease(ref);
        _commitAs(node, ref, bytes32("root"));
        _mine(1);
        vm.prank(node);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.SeedNotReady.selector, ref, block.number));
        jm.reveal(_refs(ref), _one(bytes32("root")), _one(_salt(ref)));
    }

    function test_RevertWhen_revealWrongRoot() public {
        (BatchRef ref, address node, bytes32 root) = _unauditedBatch();
        bytes32 computed = jm.expectedCommitment(ref, bytes32("other"), _salt(ref), node);
        bytes32 stored = jm.expectedCommitment(ref, root, _salt(ref), node);
        vm.prank(node);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.CommitmentMismatch.selector, ref, stored, computed));
        jm.reveal(_refs(ref), _one(bytes32("other")), _one(_salt(ref)));
    }

    function test_RevertWhen_revealAfterDeadline() public {
        (BatchRef ref, address node, bytes32 root) = _unauditedBatch();
        uint256 due = jm.getBatch(ref).deadline;
        vm.warp(due + 1);
        vm.prank(node);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.DeadlinePassed.selector, ref, due));
        jm.reveal(_refs(ref), _one(root), _one(_salt(ref)));
    }

    function test_RevertWhen_revealListsMismatch() public {
        vm.prank(miner1);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.LengthMismatch.selector, 1, 0));
        jm.reveal(_refs(_ref(jobId, 0)), new bytes32[](0), new bytes32[](0));
        vm.prank(miner1);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.LengthMismatch.selector, 1, 0));
        jm.reveal(_refs(_ref(jobId, 0)), _one(bytes32(0)), new bytes32[](0));
    }

    function test_RevertWhen_revealTwice() public {
        (BatchRef ref, address node, bytes32 root) = _unauditedBatch();
        _revealAs(node, ref, root);
        vm.prank(node);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.WrongState.selector, ref, BatchState.Accepted));
        jm.reveal(_refs(ref), _one(root), _one(_salt(ref)));
    }

    function test_reveal_accruesEmissionWork() public {
        (BatchRef ref, address node, bytes32 root) = _unauditedBatch();
        uint256 epoch = rewardEngine.currentEpoch();
        (uint256 before,) = rewardEngine.nodeEpochWeight(epoch, node);
        uint256 rep = _rep(node);
        _revealAs(node, ref, root);
        (uint256 afterW,) = rewardEngine.nodeEpochWeight(epoch, node);
        assertGt(afterW, before);
        assertEq(_rep(node), rep + (10_000 - rep) / 256, "unaudited acceptance reputation");
    }

    // ---------------------------------------------------------------- attacks

    function test_Attack_CopyResult_commitBindsBatchAttemptAndNode() public {
        (BatchRef ref, address node, bytes32 root) = _unauditedBatch();
        // A copier on another batch replays the victim's commitment and later its revealed root and salt.
        BatchRef other = _ref(jobId, 7);
        address copier = _lease(other);
        bytes32 victimCommit = jm.getBatch(ref).digest;
        vm.prank(copier);
        jm.commit(_refs(other), _one(victimCommit));
        _revealAs(node, ref, root);
        _mine(2);
        (, bool audited,,) = jm.auditDraw(other);
        bytes32 computed = jm.expectedCommitment(other, root, _salt(ref), copier);
        vm.prank(copier);
        if (audited) {
            vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.AuditPending.selector, other));
        } else {
            vm.expectRevert(
                abi.encodeWithSelector(IJobMarketTypes.CommitmentMismatch.selector, other, victimCommit, computed)
            );
        }
        jm.reveal(_refs(other), _one(root), _one(_salt(ref)));
        // Nor can it commit on the victim's batch.
        vm.prank(copier);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.WrongState.selector, ref, BatchState.Accepted));
        jm.commit(_refs(ref), _one(victimCommit));
    }

    function test_Attack_WithholdReveal_unauditedIsLostDispute() public {
        (BatchRef ref, address node,) = _unauditedBatch();
        uint256 collateral = jm.getBatch(ref).collateral;
        uint256 due = jm.getBatch(ref).deadline;
        uint256 lockedValue = jm.getJob(jobId).lockedValue;
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.DeadlineNotReached.selector, ref, due));
        jm.forfeit(ref);
        vm.warp(due + 1);
        uint256 rep = _rep(node);
        uint256 supply = token.totalSupply();
        address keeper = makeAddr("keeper");
        vm.prank(keeper);
        jm.forfeit(ref);
        assertEq(registry.getNode(node).stake, STAKE - collateral);
        assertEq(_rep(node), rep / 2);
        (uint256 share, uint256 burned) = MarketMath.slashSplit(collateral, 1);
        assertEq(jm.creditOf(keeper), share, "keeper earns the non-burned half");
        assertEq(supply - token.totalSupply(), burned);
        assertEq(uint256(jm.getBatch(ref).state), uint256(BatchState.Open));
        assertEq(jm.getJob(jobId).lockedValue, lockedValue - 8 * PRICE);
        _assertConserved();
    }

    function test_RevertWhen_forfeitOpenBatch() public {
        BatchRef ref = _ref(jobId, 0);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.WrongState.selector, ref, BatchState.Open));
        jm.forfeit(ref);
    }

    function test_Attack_RequesterFarmsEmission_widenedLeaseEarnsNone() public {
        // The requester's own node waits for the threshold to widen instead of winning the draw.
        for (uint256 i; i < 8; ++i) {
            BatchRef ref = _ref(jobId, i);
            address own = _ineligible(ref);
            if (own == address(0)) continue;
            vm.warp(block.timestamp + 10 * 64);
            vm.prank(own);
            jm.leaseBatches(jobId, _idx(i));
            bytes32 root = _merkleRoot(_unitRoots(ref, 8));
            if (_commitAndDraw(own, ref, root)) return; // audited: the unaudited path is what is measured
            uint256 epoch = rewardEngine.currentEpoch();
            (uint256 before,) = rewardEngine.nodeEpochWeight(epoch, own);
            _revealAs(own, ref, root);
            (uint256 afterW,) = rewardEngine.nodeEpochWeight(epoch, own);
            assertEq(afterW, before, "no emission for a widened lease");
            assertGt(jm.creditOf(ownerOf[own]), 0);
            return;
        }
    }

    function testFuzz_feeSplit_conserves(uint256 price, uint16 feeBps, uint16 burnBps) public pure {
        price = bound(price, 0, 1e30);
        uint256 f = bound(feeBps, 0, 10_000);
        uint256 b = bound(burnBps, 0, 10_000);
        (uint256 toMiner, uint256 burned, uint256 toTreasury) = MarketMath.feeSplit(price, f, b);
        assertEq(toMiner + burned + toTreasury, price);
        assertLe(toMiner, price - price * f / 10_000);
    }

    function test_pause_neverBlocksCommitRevealRefundOrWithdraw() public {
        (BatchRef ref, address node, bytes32 root) = _unauditedBatch();
        vm.prank(guardian);
        config.pause();
        _revealAs(node, ref, root);
        assertEq(uint256(jm.getBatch(ref).state), uint256(BatchState.Accepted));
        vm.prank(ownerOf[node]);
        jm.withdraw();
        vm.prank(requester);
        jm.cancel(jobId);
        _assertConserved();
    }
}
