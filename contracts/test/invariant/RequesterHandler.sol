// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {HandlerBase} from "./HandlerBase.sol";
import {World} from "./World.sol";
import {IJobMarketTypes} from "../../src/interfaces/IJobMarket.sol";
import {DeviceClass} from "../../src/interfaces/Types.sol";
import {JobParams, JobStatus} from "../../src/libraries/JobMarketTypes.sol";

/// @dev Requesters: post jobs with bounded parameters (some chained, some with a high audit floor), cancel,
/// refund after the deadline, and withdraw their credits.
contract RequesterHandler is HandlerBase {
    uint256 internal constant MAX_JOBS = 16;
    uint256 internal constant MAX_BATCHES = 6;

    constructor(World world) HandlerBase(world) {}

    function createJob(uint256 who, uint256 shape, uint256 price, uint256 reserve, uint256 flags) external observed {
        if (w.jobCount() >= MAX_JOBS) return _count("job.cap");
        address requester = w.requesterAt(who);
        uint16 batchSize = uint16(1 << bound(shape, 0, 4)); // 1..16
        uint256 batches = bound(shape >> 8, 1, MAX_BATCHES);
        uint256 units = (batches - 1) * batchSize + bound(shape >> 16, 1, batchSize);
        uint64 cu = uint64(bound(shape >> 24, 1, 1_000));
        uint256 unitPrice = uint256(cu) * 1e9 * bound(price, 1, 1e7);
        uint16 chains = flags % 4 == 0 && batches > 1 ? uint16(bound(flags >> 8, 1, batches - 1)) : 0;
        JobParams memory p = JobParams({
            specHash: keccak256(abi.encode("spec", shape)),
            units: uint32(units),
            batchSize: batchSize,
            cuPerUnit: cu,
            pricePerUnit: uint96(unitPrice),
            auditReserve: uint128(bound(reserve, 0, unitPrice * 8)),
            requesterBond: uint128(1e17 + bound(reserve >> 128, 0, 1e18)),
            deadline: uint32(block.timestamp + bound(flags >> 16, 1_800, 7_200)),
            minAuditBps: uint16(flags % 5 == 0 ? 10_000 : 0),
            chains: chains,
            minDeviceClass: flags % 3 == 0 ? DeviceClass.GPU : DeviceClass.CPU
        });
        vm.prank(requester);
        uint256 jobId = jm.createJob(p);
        uint256[] memory refs = new uint256[](batches);
        for (uint256 i; i < batches; ++i) {
            refs[i] = (jobId << 32) | i;
        }
        w.addJob(jobId, batches, refs);
        _count(chains != 0 ? bytes32("job.chained") : bytes32("job.plain"));
        _mine(2);
    }

    function cancel(uint256 seed) external observed {
        uint256 n = w.jobCount();
        if (n == 0) return;
        uint256 jobId = w.jobs()[seed % n];
        IJobMarketTypes.JobView memory job = jm.getJob(jobId);
        if (job.status & JobStatus.CLOSED != 0) return;
        vm.prank(job.requester);
        jm.cancel(jobId);
        _count("job.cancelled");
    }

    function refund(uint256 seed) external observed {
        uint256 n = w.jobCount();
        if (n == 0) return;
        uint256 jobId = w.jobs()[seed % n];
        IJobMarketTypes.JobView memory job = jm.getJob(jobId);
        if (job.status & JobStatus.FINAL != 0) return;
        if (job.status & JobStatus.CLOSED == 0 && block.timestamp < job.deadline) return _count("refund.early");
        jm.refund(jobId);
        _count("job.refunded");
    }

    function withdraw(uint256 seed) external observed {
        address requester = w.requesterAt(seed);
        if (jm.creditOf(requester) == 0) return;
        vm.prank(requester);
        jm.withdraw();
        _count("requester.withdrew");
    }
}
