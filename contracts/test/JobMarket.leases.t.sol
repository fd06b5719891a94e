// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {MarketFixture} from "./JobMarketFixture.t.sol";
import {IJobMarket, IJobMarketTypes} from "../src/interfaces/IJobMarket.sol";
import {INodeRegistry} from "../src/interfaces/INodeRegistry.sol";
import {ConfigKeys} from "../src/interfaces/IProtocolConfig.sol";
import {BatchRef, BatchState, BatchFlags, JobParams, JobStatus} from "../src/libraries/JobMarketTypes.sol";
import {MarketMath} from "../src/libraries/MarketMath.sol";
import {Sortition} from "../src/libraries/Sortition.sol";
import {DeviceClass} from "../src/interfaces/Types.sol";

/// @dev Leases: sortition, collateral, expiry, abandon and freeze.
contract JobMarketLeasesTest is MarketFixture {
    uint256 internal jobId;
    JobParams internal p;

    function setUp() public override {
        super.setUp();
        p = _params(64, 8);
        jobId = _createJob(p);
    }

    function test_leaseBatches_locksCollateralAndRecordsLease() public {
        BatchRef ref = _ref(jobId, 0);
        (address node,) = _eligible(ref);
        INodeRegistry.NodeView memory nv = registry.getNode(node);
        uint256 auditBps = Sortition.auditProbabilityBps(nv.reputation, 500, 5_000, 0);
        uint256 expected = MarketMath.collateral(nv.stake, config.marketParams().slashBps, 8 * PRICE, auditBps);
        vm.prank(node);
        jm.leaseBatches(jobId, _idx(0));
        IJobMarket.BatchView memory b = jm.getBatch(ref);
        assertEq(uint256(b.state), uint256(BatchState.Leased));
        assertEq(b.node, node);
        assertEq(b.collateral, expected);
        assertEq(b.auditBps, auditBps);
        assertEq(registry.getNode(node).locked, expected);
        assertEq(jm.getJob(jobId).lockedValue, 8 * PRICE);
        assertGt(b.deadline, block.timestamp);
    }

    function test_RevertWhen_leaseWhilePaused() public {
        vm.prank(guardian);
        config.pause();
        vm.prank(miner1);
        vm.expectRevert(IJobMarketTypes.ProtocolPaused.selector);
        jm.leaseBatches(jobId, _idx(0));
    }

    function test_RevertWhen_leaseListEmptyOrTooLong() public {
        vm.prank(miner1);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.BatchListLength.selector, 0, 64));
        jm.leaseBatches(jobId, new uint256[](0));
        vm.prank(miner1);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.BatchListLength.selector, 65, 64));
        jm.leaseBatches(jobId, new uint256[](65));
    }

    function test_RevertWhen_leaseUnknownJob() public {
        vm.prank(miner1);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.UnknownJob.selector, 9));
        jm.leaseBatches(9, _idx(0));
    }

    function test_RevertWhen_leaseClosedJob() public {
        vm.prank(requester);
        jm.cancel(jobId);
        vm.prank(miner1);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.JobClosed.selector, jobId));
        jm.leaseBatches(jobId, _idx(0));
    }

    function test_RevertWhen_leasePastDeadline() public {
        vm.warp(p.deadline);
        vm.prank(miner1);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.JobClosed.selector, jobId));
        jm.leaseBatches(jobId, _idx(0));
    }

    function test_RevertWhen_leaseByUnregisteredNode() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.NodeInactive.selector, alice));
        jm.leaseBatches(jobId, _idx(0));
    }

    function test_RevertWhen_leaseDeviceClassTooLow() public {
        address cpu = makeAddr("cpuNode");
        _registerNode(cpu, makeAddr("cpuOwner"), DeviceClass.CPU, STAKE);
        JobParams memory q = _params(8, 8);
        q.minDeviceClass = DeviceClass.GPU;
        uint256 gpuJob = _createJob(q);
        vm.prank(cpu);
        vm.expectRevert(
            abi.encodeWithSelector(
                IJobMarketTypes.DeviceClassTooLow.selector, cpu, DeviceClass.CPU, DeviceClass.GPU
            )
        );
        jm.leaseBatches(gpuJob, _idx(0));
    }

    function test_RevertWhen_leaseBatchOutOfRange() public {
        vm.prank(miner1);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.BatchOutOfRange.selector, jobId, 8, 8));
        jm.leaseBatches(jobId, _idx(8));
    }

    function test_RevertWhen_leaseAlreadyLeased() public {
        BatchRef ref = _ref(jobId, 0);
        address node = _lease(ref);
        vm.prank(node);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.WrongState.selector, ref, BatchState.Leased));
        jm.leaseBatches(jobId, _idx(0));
    }

    function test_RevertWhen_leaseNotEligible() public {
        // Find a batch with an ineligible miner before any widening.
        for (uint256 i; i < 8; ++i) {
            BatchRef ref = _ref(jobId, i);
            address loser = _ineligible(ref);
            if (loser == address(0)) continue;
            vm.prank(loser);
            vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.NotEligible.selector, ref, loser));
            jm.leaseBatches(jobId, _idx(i));
            return;
        }
        revert("every miner eligible for every batch");
    }

    function test_RevertWhen_leaseInTheBlockTheJobOpened() public {
        vm.prank(requester);
        uint256 fresh = jm.createJob(_params(8, 8));
        BatchRef ref = _ref(fresh, 0);
        vm.prank(miner1);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.SeedNotReady.selector, ref, block.number + 1));
        jm.leaseBatches(fresh, _idx(0));
    }

    function test_RevertWhen_leaseBeyondFreeStake() public {
        // At slashBps = 50% each lease locks half the stake, so a third concurrent lease cannot be covered.
        _govern(ConfigKeys.SLASH_BPS, 5_000);
        _govern(ConfigKeys.SORTITION_K, 64);
        _mine(1);
        vm.prank(miner1);
        uint256[] memory two = new uint256[](2);
        two[0] = 0;
        two[1] = 1;
        jm.leaseBatches(jobId, two);
        vm.prank(miner1);
        vm.expectRevert(
            abi.encodeWithSelector(INodeRegistry.InsufficientFreeStake.selector, miner1, 0, STAKE / 2)
        );
        jm.leaseBatches(jobId, _idx(2));
    }

    function test_lease_widenedThresholdEarnsFeesOnly() public {
        // Find a batch where some miner is only eligible after widening, wait for it, lease.
        for (uint256 i; i < 8; ++i) {
            BatchRef ref = _ref(jobId, i);
            address loser = _ineligible(ref);
            if (loser == address(0)) continue;
            vm.warp(block.timestamp + 10 * 64);
            (bool ok, bool widened) = jm.leaseEligibility(ref, loser);
            assertTrue(ok && widened);
            vm.prank(loser);
            jm.leaseBatches(jobId, _idx(i));
            assertEq(jm.getBatch(ref).flags & BatchFlags.WIDENED, BatchFlags.WIDENED);
            return;
        }
        revert("no batch with an ineligible miner");
    }

    // ---------------------------------------------------------------- expire

    function test_expire_reopensAndLowersReputation() public {
        BatchRef ref = _ref(jobId, 0);
        address node = _lease(ref);
        uint256 rep = _rep(node);
        uint256 end = jm.getBatch(ref).deadline;
        vm.warp(end + 1);
        vm.prank(bob);
        jm.expire(ref);
        IJobMarket.BatchView memory b = jm.getBatch(ref);
        assertEq(uint256(b.state), uint256(BatchState.Open));
        assertEq(b.attempt, 1);
        assertEq(b.node, address(0));
        assertEq(registry.getNode(node).locked, 0);
        assertEq(_rep(node), rep - rep / 8);
        assertEq(jm.getJob(jobId).lockedValue, 0);
    }

    function test_RevertWhen_expireBeforeLeaseEnd() public {
        BatchRef ref = _ref(jobId, 0);
        _lease(ref);
        uint256 end = jm.getBatch(ref).deadline;
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.DeadlineNotReached.selector, ref, end));
        jm.expire(ref);
    }

    function test_RevertWhen_expireOpenBatch() public {
        BatchRef ref = _ref(jobId, 0);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.WrongState.selector, ref, BatchState.Open));
        jm.expire(ref);
    }

    function test_expire_newAttemptDrawsFromLaterBlock() public {
        BatchRef ref = _ref(jobId, 0);
        _lease(ref);
        vm.warp(jm.getBatch(ref).deadline + 1);
        jm.expire(ref);
        // Same block as the re-open: the new attempt's seed block is not mined yet.
        vm.prank(miner1);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.SeedNotReady.selector, ref, block.number + 1));
        jm.leaseBatches(jobId, _idx(0));
        _mine(2);
        _lease(ref);
        assertEq(jm.getBatch(ref).attempt, 1);
    }

    // ---------------------------------------------------------------- abandon

    function test_abandon_isPenaltyFree() public {
        BatchRef ref = _ref(jobId, 0);
        address node = _lease(ref);
        uint256 rep = _rep(node);
        vm.prank(node);
        jm.abandon(ref, "overstated CU");
        assertEq(_rep(node), rep);
        assertEq(registry.getNode(node).locked, 0);
        assertEq(uint256(jm.getBatch(ref).state), uint256(BatchState.Open));
        assertEq(jm.getJob(jobId).abandons, 1);
    }

    function test_RevertWhen_abandonByOther() public {
        BatchRef ref = _ref(jobId, 0);
        address node = _lease(ref);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.NotPrimary.selector, ref, bob, node));
        jm.abandon(ref, "x");
    }

    function test_RevertWhen_abandonAfterLeaseEnd() public {
        BatchRef ref = _ref(jobId, 0);
        address node = _lease(ref);
        uint256 deadline = jm.getBatch(ref).deadline;
        vm.warp(deadline + 1);
        vm.prank(node);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.DeadlinePassed.selector, ref, deadline));
        jm.abandon(ref, "too late");
        uint256 rep = _rep(node);
        jm.expire(ref);
        assertLt(_rep(node), rep); // expired, with the reputation penalty
    }

    function test_Attack_UnrunnableSpec_freezesAndPaysAbandonersFromBond() public {
        // Three nodes of distinct owners find the spec unrunnable (one node alone does not freeze the job:
        // test_abandon_sameOwnerCountsOnce).
        for (uint256 i; i < 3; ++i) {
            BatchRef ref = _leaseAs(miners[i]);
            vm.prank(miners[i]);
            jm.abandon(ref, "unrunnable");
        }
        IJobMarket.JobView memory j = jm.getJob(jobId);
        assertTrue(j.status & JobStatus.FROZEN != 0);
        assertTrue(j.status & JobStatus.FINAL != 0);
        uint256 per = p.requesterBond / 3;
        for (uint256 i; i < 3; ++i) {
            assertEq(jm.creditOf(ownerOf[miners[i]]), per, "one share per abandoner");
        }
        assertEq(jm.creditOf(ownerOf[miners[3]]), 0, "nothing for a node that did not abandon");
        assertEq(jm.creditOf(requester), 64 * PRICE + p.auditReserve + (p.requesterBond - per * 3));
        vm.prank(miner1);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.JobClosed.selector, jobId));
        jm.leaseBatches(jobId, _idx(5));
        _assertConserved();
    }

    function test_abandon_sameOwnerCountsOnce() public {
        // One node leases three batches of a valid job and gives each back: one owner's word, not a freeze.
        BatchRef[] memory refs = new BatchRef[](3);
        for (uint256 i; i < 3; ++i) {
            refs[i] = _leaseAs(miner1);
            vm.prank(miner1);
            jm.abandon(refs[i], "any reason");
            // Still penalty-free: the lease is given back and its collateral unlocked.
            assertEq(uint256(jm.getBatch(refs[i]).state), uint256(BatchState.Open));
            assertEq(registry.getNode(miner1).locked, 0);
        }
        IJobMarket.JobView memory j = jm.getJob(jobId);
        assertEq(j.status & JobStatus.FROZEN, 0, "not frozen by one owner");
        assertEq(j.status & JobStatus.CLOSED, 0);
        assertEq(j.abandons, 1, "one owner counts once");
        assertEq(j.bond, p.requesterBond, "bond untouched");
        assertEq(jm.creditOf(alice), 0, "no share before a freeze");
        // The job still takes leases.
        _leaseAs(miner2);
        _assertConserved();
    }

    function test_abandon_sameOwnerManyNodesCountsOnce() public {
        // A second node of alice's: the freeze counts owners, not nodes.
        address miner5 = makeAddr("miner5");
        _registerNode(miner5, alice, DeviceClass.GPU, STAKE);
        _mine(2);
        address[4] memory quitters = [miner1, miner5, miner1, miner5];
        for (uint256 i; i < 4; ++i) {
            BatchRef ref = _leaseAs(quitters[i]);
            vm.prank(quitters[i]);
            jm.abandon(ref, "unrunnable");
        }
        IJobMarket.JobView memory j = jm.getJob(jobId);
        assertEq(j.status & JobStatus.FROZEN, 0, "not frozen by one owner's nodes");
        assertEq(j.abandons, 1);
        assertEq(j.bond, p.requesterBond);
        _assertConserved();
    }

    function test_abandon_distinctOwnersFreezeAndEachEarnOneShare() public {
        // alice abandons twice, then bob and carol: the third distinct owner freezes the job.
        address[4] memory quitters = [miner1, miner1, miner2, miner3];
        uint16[4] memory counted = [uint16(1), 1, 2, 3];
        uint256 per = p.requesterBond / 3;
        for (uint256 i; i < 4; ++i) {
            BatchRef ref = _leaseAs(quitters[i]);
            if (i == 3) {
                vm.expectEmit(true, false, false, true, address(jm));
                emit IJobMarketTypes.JobFrozen(jobId, 3, per);
            }
            vm.prank(quitters[i]);
            jm.abandon(ref, "unrunnable");
            assertEq(jm.getJob(jobId).abandons, counted[i]);
        }
        IJobMarket.JobView memory j = jm.getJob(jobId);
        assertTrue(j.status & JobStatus.FROZEN != 0);
        assertTrue(j.status & JobStatus.FINAL != 0);
        assertEq(jm.creditOf(alice), per, "alice: one share despite two abandons");
        assertEq(jm.creditOf(bob), per);
        assertEq(jm.creditOf(carol), per);
        assertEq(jm.creditOf(dave), 0);
        assertEq(jm.creditOf(requester), 64 * PRICE + p.auditReserve + (p.requesterBond - per * 3));
        _assertConserved();
    }

    /// @dev Leases to `node` the first open batch of the job it may lease (waiting for widening if needed).
    function _leaseAs(address node) internal returns (BatchRef ref) {
        for (uint256 tries; tries < 64; ++tries) {
            for (uint256 i; i < 8; ++i) {
                ref = _ref(jobId, i);
                (bool ok,) = jm.leaseEligibility(ref, node);
                if (!ok) continue;
                vm.prank(node);
                jm.leaseBatches(jobId, _idx(i));
                return ref;
            }
            _mine(1);
            vm.warp(block.timestamp + 9);
        }
        revert("node never eligible");
    }

    function testFuzz_leaseDuration_bounded(uint256 cu, uint256 capacity) public pure {
        cu = bound(cu, 0, 1e30);
        capacity = bound(capacity, 0, 1e30);
        uint256 d = MarketMath.leaseDuration(cu, capacity, 10, 600);
        assertGe(d, 10);
        assertLe(d, 600);
    }

    function testFuzz_collateral_coversTwiceValueOverAuditRate(uint256 stake, uint256 value, uint256 auditBps)
        public
        pure
    {
        stake = bound(stake, 1, 1e27);
        value = bound(value, 0, 1e24);
        auditBps = bound(auditBps, 1, 10_000);
        uint256 c = MarketMath.collateral(stake, 5_000, value, auditBps);
        assertLe(c, stake, "capped at stake");
        if (c < stake) {
            // Expected loss p * c >= 2 * value whenever the stake allows it.
            assertGe(c * auditBps, 2 * value * 10_000);
        }
    }

    function test_Attack_RequesterGrindsSortitionSeed() public {
        // The draw of a new job is fixed by a block mined after it opened: in the opening block nobody,
        // the requester's own nodes included, can know or use it; re-posting to re-roll costs the cancel fee.
        vm.prank(requester);
        uint256 fresh = jm.createJob(_params(8, 8));
        BatchRef ref = _ref(fresh, 0);
        for (uint256 i; i < miners.length; ++i) {
            (bool ok,) = jm.leaseEligibility(ref, miners[i]);
            assertFalse(ok);
        }
        uint256 treasuryBefore = jm.creditOf(treasury);
        vm.prank(requester);
        jm.cancel(fresh);
        assertEq(jm.creditOf(treasury) - treasuryBefore, (8 * PRICE) / 100, "cancel fee");
    }
}
