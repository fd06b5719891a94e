// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {MarketFixture} from "./JobMarketFixture.t.sol";
import {IJobMarket, IJobMarketTypes} from "../src/interfaces/IJobMarket.sol";
import {BatchRef, BatchState, JobParams, JobStatus} from "../src/libraries/JobMarketTypes.sol";
import {DeviceClass} from "../src/interfaces/Types.sol";

/// @dev Jobs: creation (escrow, every validation), permit, cancel, refund, withdraw.
contract JobMarketJobsTest is MarketFixture {
    function _escrow(JobParams memory p) internal pure returns (uint256) {
        return uint256(p.pricePerUnit) * p.units + p.auditReserve + p.requesterBond;
    }

    function test_createJob_pullsFullEscrowAndStoresJob() public {
        JobParams memory p = _params(100, 8);
        uint256 before = token.balanceOf(requester);
        vm.expectEmit(true, true, true, true, address(jm));
        emit IJobMarketTypes.JobCreated(1, requester, p.specHash, p);
        vm.prank(requester);
        uint256 jobId = jm.createJob(p);
        assertEq(jobId, 1);
        assertEq(jm.nextJobId(), 2);
        assertEq(token.balanceOf(requester), before - _escrow(p));
        IJobMarket.JobView memory j = jm.getJob(jobId);
        assertEq(j.requester, requester);
        assertEq(j.units, 100);
        assertEq(j.batches, 13, "ceil(100/8)");
        assertEq(j.escrow, 100 * PRICE);
        assertEq(j.auditReserve, p.auditReserve);
        assertEq(j.bond, p.requesterBond);
        assertEq(jm.getBatch(_ref(jobId, 12)).units, 4, "last batch holds the remainder");
        _assertConserved();
    }

    function test_createJobWithPermit_usesSignature() public {
        (address signer, uint256 key) = makeKey("permitRequester");
        JobParams memory p = _params(10, 5);
        uint256 total = _escrow(p);
        _fund(signer, total);
        uint256 deadline = block.timestamp + 1 hours;
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"),
                signer,
                address(jm),
                total,
                token.nonces(signer),
                deadline
            )
        );
        bytes32 digest = keccak256(abi.encodePacked("\x19\x01", token.DOMAIN_SEPARATOR(), structHash));
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        vm.prank(signer);
        uint256 jobId = jm.createJobWithPermit(p, deadline, v, r, s);
        assertEq(jm.getJob(jobId).requester, signer);
        assertEq(token.balanceOf(signer), 0);
        _assertConserved();
    }

    function test_RevertWhen_createJobWhilePaused() public {
        vm.prank(guardian);
        config.pause();
        JobParams memory p = _params(10, 5);
        vm.prank(requester);
        vm.expectRevert(IJobMarketTypes.ProtocolPaused.selector);
        jm.createJob(p);
    }

    function test_RevertWhen_createJobWithZeroUnits() public {
        JobParams memory p = _params(0, 5);
        vm.prank(requester);
        vm.expectRevert(IJobMarketTypes.ZeroUnits.selector);
        jm.createJob(p);
    }

    function test_RevertWhen_createJobBatchSizeOutOfRange() public {
        JobParams memory p = _params(10, 0);
        vm.prank(requester);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.BatchSizeOutOfRange.selector, 0, 64));
        jm.createJob(p);
        p.batchSize = 65;
        vm.prank(requester);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.BatchSizeOutOfRange.selector, 65, 64));
        jm.createJob(p);
    }

    function test_RevertWhen_createJobWithZeroCU() public {
        JobParams memory p = _params(10, 5);
        p.cuPerUnit = 0;
        vm.prank(requester);
        vm.expectRevert(IJobMarketTypes.ZeroComputeUnits.selector);
        jm.createJob(p);
    }

    function test_RevertWhen_createJobPriceBelowFloor() public {
        JobParams memory p = _params(10, 5);
        p.pricePerUnit = uint96(1e9 * CU - 1);
        vm.prank(requester);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.PriceBelowFloor.selector, 1e9 * CU - 1, 1e9 * CU));
        jm.createJob(p);
    }

    function test_RevertWhen_createJobBondBelowMinimum() public {
        JobParams memory p = _params(10, 5);
        p.requesterBond = 1e17 - 1;
        vm.prank(requester);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.BondBelowMinimum.selector, 1e17 - 1, 1e17));
        jm.createJob(p);
    }

    function test_RevertWhen_createJobDeadlineInPast() public {
        JobParams memory p = _params(10, 5);
        p.deadline = uint32(block.timestamp);
        vm.prank(requester);
        vm.expectRevert(
            abi.encodeWithSelector(IJobMarketTypes.DeadlineInPast.selector, block.timestamp, block.timestamp)
        );
        jm.createJob(p);
    }

    function test_RevertWhen_createJobAuditFloorAbove100Percent() public {
        JobParams memory p = _params(10, 5);
        p.minAuditBps = 10_001;
        vm.prank(requester);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.AuditFloorOutOfRange.selector, 10_001));
        jm.createJob(p);
    }

    function test_RevertWhen_createJobMoreChainsThanBatches() public {
        JobParams memory p = _params(10, 5);
        p.chains = 3;
        vm.prank(requester);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.ChainsOutOfRange.selector, 3, 2));
        jm.createJob(p);
    }

    function test_RevertWhen_createJobEscrowBelowMinimum() public {
        _govern(bytes32("minEscrow"), 1_000e18);
        JobParams memory p = _params(10, 5);
        vm.prank(requester);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.EscrowBelowMinimum.selector, _escrow(p), 1_000e18));
        jm.createJob(p);
    }

    function testFuzz_createJob_escrowConserved(uint32 units, uint16 batchSize, uint96 price, uint128 reserve)
        public
    {
        units = uint32(bound(units, 1, 10_000));
        batchSize = uint16(bound(batchSize, 1, 64));
        price = uint96(bound(price, 1e9 * CU, 1e20));
        reserve = uint128(bound(reserve, 0, 1e21));
        JobParams memory p = _params(units, batchSize);
        p.pricePerUnit = price;
        p.auditReserve = reserve;
        uint256 total = _escrow(p);
        vm.assume(total <= token.balanceOf(requester));
        vm.prank(requester);
        uint256 jobId = jm.createJob(p);
        IJobMarket.JobView memory j = jm.getJob(jobId);
        assertEq(j.escrow + j.auditReserve + j.bond, total);
        assertEq(j.batches, (uint256(units) + batchSize - 1) / batchSize);
        _assertConserved();
    }

    // ---------------------------------------------------------------- cancel

    function test_cancel_refundsOpenValueMinusFee() public {
        JobParams memory p = _params(64, 8);
        uint256 jobId = _createJob(p);
        BatchRef ref = _ref(jobId, 0);
        _lease(ref);
        uint256 before = token.balanceOf(requester);
        vm.prank(requester);
        jm.cancel(jobId);
        uint256 openValue = 56 * PRICE;
        uint256 fee = openValue * 100 / 10_000;
        assertEq(jm.creditOf(requester), openValue - fee);
        assertEq(jm.creditOf(treasury), fee);
        IJobMarket.JobView memory j = jm.getJob(jobId);
        assertTrue(j.status & JobStatus.CANCELLED != 0);
        assertEq(j.escrow, 8 * PRICE, "leased batch stays escrowed");
        assertEq(j.auditReserve, p.auditReserve, "reserve kept while a batch is in flight");
        vm.prank(requester);
        jm.withdraw();
        assertEq(token.balanceOf(requester), before + openValue - fee);
        _assertConserved();
    }

    function test_cancel_finalWhenNothingInFlight() public {
        JobParams memory p = _params(64, 8);
        uint256 jobId = _createJob(p);
        vm.prank(requester);
        jm.cancel(jobId);
        uint256 fee = (64 * PRICE) / 100;
        assertEq(jm.creditOf(requester), 64 * PRICE - fee + p.auditReserve + p.requesterBond);
        assertTrue(jm.getJob(jobId).status & JobStatus.FINAL != 0);
        (uint256 e, uint256 r, uint256 b, uint256 pools,) = jm.escrowTotals();
        assertEq(e + r + b + pools, 0);
        _assertConserved();
    }

    function test_RevertWhen_cancelByStranger() public {
        uint256 jobId = _createJob(_params(10, 5));
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.NotRequester.selector, jobId, alice));
        jm.cancel(jobId);
    }

    function test_RevertWhen_cancelTwice() public {
        uint256 jobId = _createJob(_params(10, 5));
        vm.prank(requester);
        jm.cancel(jobId);
        vm.prank(requester);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.JobClosed.selector, jobId));
        jm.cancel(jobId);
    }

    function test_RevertWhen_cancelUnknownJob() public {
        vm.prank(requester);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.UnknownJob.selector, 42));
        jm.cancel(42);
    }

    // ---------------------------------------------------------------- refund

    function test_RevertWhen_refundBeforeDeadline() public {
        JobParams memory p = _params(10, 5);
        uint256 jobId = _createJob(p);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.JobStillOpen.selector, jobId, p.deadline));
        jm.refund(jobId);
    }

    function test_refund_afterDeadlineByAnyoneCreditsRequester() public {
        JobParams memory p = _params(10, 5);
        uint256 jobId = _createJob(p);
        vm.warp(p.deadline);
        vm.prank(bob);
        jm.refund(jobId);
        assertEq(jm.creditOf(requester), _escrow(p));
        assertTrue(jm.getJob(jobId).status & JobStatus.FINAL != 0);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.JobClosed.selector, jobId));
        jm.refund(jobId);
        _assertConserved();
    }

    function test_refund_waitsForInFlightBatchThenReturnsReserve() public {
        JobParams memory p = _params(10, 5);
        uint256 jobId = _createJob(p);
        BatchRef ref = _ref(jobId, 0);
        address node = _lease(ref);
        vm.warp(p.deadline);
        jm.refund(jobId);
        assertEq(jm.creditOf(requester), 5 * PRICE, "open batch refunded");
        assertTrue(jm.getJob(jobId).status & JobStatus.FINAL == 0);
        // The lease runs out; expiring it re-opens into a closed job: refunded, and the job is final.
        vm.warp(jm.getBatch(ref).deadline + 1);
        jm.expire(ref);
        assertEq(jm.creditOf(requester), _escrow(p));
        assertTrue(jm.getJob(jobId).status & JobStatus.FINAL != 0);
        assertEq(registry.getNode(node).locked, 0);
        _assertConserved();
    }

    // ---------------------------------------------------------------- withdraw

    function test_RevertWhen_withdrawNothing() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IJobMarketTypes.NothingToWithdraw.selector, alice));
        jm.withdraw();
    }

    function testFuzz_cancel_conservesEscrow(uint8 leased) public {
        JobParams memory p = _params(64, 8);
        uint256 jobId = _createJob(p);
        leased = uint8(bound(leased, 0, 2));
        for (uint256 i; i < leased; ++i) {
            _lease(_ref(jobId, i));
        }
        vm.prank(requester);
        jm.cancel(jobId);
        _assertConserved();
        IJobMarket.JobView memory j = jm.getJob(jobId);
        assertEq(j.escrow, uint256(leased) * 8 * PRICE);
        assertEq(j.lockedValue, j.escrow);
    }
}
