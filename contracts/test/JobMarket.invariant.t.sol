// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {MarketFixture} from "./JobMarketFixture.t.sol";
import {Test} from "./utils/Test.sol";
import {Vm} from "./utils/Vm.sol";
import {JobMarket} from "../src/JobMarket.sol";
import {IJobMarket} from "../src/interfaces/IJobMarket.sol";
import {INodeRegistry} from "../src/interfaces/INodeRegistry.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {DeviceClass} from "../src/interfaces/Types.sol";
import {BatchRef, BatchRefLib, BatchState, JobParams} from "../src/libraries/JobMarketTypes.sol";

/// @dev Drives the market with random requesters, miners and keepers. Inputs are bounded; calls that the
/// market rejects are skipped (the handler counts them), so every state reached is a legal one.
contract MarketHandler is Test {
    JobMarket internal immutable jm;
    IERC20 internal immutable token;
    INodeRegistry internal immutable registry;
    address internal immutable requester;
    address[] internal miners;
    address[] internal accounts;

    uint256[] public jobIds;
    BatchRef[] internal leased;
    uint256 public calls;
    uint256 public rejected;

    constructor(
        JobMarket jm_,
        IERC20 token_,
        INodeRegistry registry_,
        address requester_,
        address[] memory miners_,
        address[] memory accounts_
    ) {
        jm = jm_;
        token = token_;
        registry = registry_;
        requester = requester_;
        miners = miners_;
        accounts = accounts_;
    }

    function jobCount() external view returns (uint256) {
        return jobIds.length;
    }

    function _salt(BatchRef ref) internal pure returns (bytes32) {
        return keccak256(abi.encode("salt", ref));
    }

    function _root(BatchRef ref) internal pure returns (bytes32) {
        return keccak256(abi.encode("root", ref));
    }

    function _tick() internal {
        vm.setBlockhash(block.number, keccak256(abi.encode("block", block.number)));
        vm.roll(block.number + 1);
        vm.warp(block.timestamp + 3);
    }

    function createJob(uint256 units, uint256 batchSize, uint256 chains) external {
        ++calls;
        JobParams memory p = JobParams({
            specHash: keccak256(abi.encode(units)),
            units: uint32(bound(units, 1, 40)),
            batchSize: uint16(bound(batchSize, 1, 8)),
            cuPerUnit: 100,
            pricePerUnit: 1e18,
            auditReserve: 5e18,
            requesterBond: 1e18,
            deadline: uint32(block.timestamp + 600),
            minAuditBps: 0,
            chains: 0,
            minDeviceClass: DeviceClass.CPU
        });
        uint256 batches = (uint256(p.units) + p.batchSize - 1) / p.batchSize;
        p.chains = uint16(bound(chains, 0, batches > 2 ? 2 : batches));
        vm.prank(requester);
        jobIds.push(jm.createJob(p));
        _tick();
        _tick();
    }

    function lease(uint256 jobSeed, uint256 batchSeed, uint256 minerSeed) external {
        ++calls;
        if (jobIds.length == 0) return;
        uint256 jobId = jobIds[jobSeed % jobIds.length];
        IJobMarket.JobView memory j = jm.getJob(jobId);
        uint256 index = batchSeed % j.batches;
        BatchRef ref = BatchRefLib.pack(jobId, index);
        for (uint256 k; k < miners.length; ++k) {
            address m = miners[(minerSeed + k) % miners.length];
            (bool ok,) = jm.leaseEligibility(ref, m);
            if (!ok) continue;
            vm.prank(m);
            uint256[] memory idx = new uint256[](1);
            idx[0] = index;
            try jm.leaseBatches(jobId, idx) {
                leased.push(ref);
                return;
            } catch {}
        }
        ++rejected;
    }

    function _pick(uint256 seed) internal view returns (bool, BatchRef, IJobMarket.BatchView memory b) {
        if (leased.length == 0) return (false, BatchRef.wrap(0), b);
        BatchRef ref = leased[seed % leased.length];
        return (true, ref, jm.getBatch(ref));
    }

    function commit(uint256 seed) external {
        ++calls;
        (bool any, BatchRef ref, IJobMarket.BatchView memory b) = _pick(seed);
        if (!any || b.state != BatchState.Leased) return;
        bytes32 c = jm.expectedCommitment(ref, _root(ref), _salt(ref), b.node);
        BatchRef[] memory refs = new BatchRef[](1);
        refs[0] = ref;
        bytes32[] memory cs = new bytes32[](1);
        cs[0] = c;
        vm.prank(b.node);
        try jm.commit(refs, cs) {} catch { ++rejected; }
        _tick();
        _tick();
    }

    function reveal(uint256 seed) external {
        ++calls;
        (bool any, BatchRef ref, IJobMarket.BatchView memory b) = _pick(seed);
        if (!any || b.state != BatchState.Committed) return;
        BatchRef[] memory refs = new BatchRef[](1);
        refs[0] = ref;
        bytes32[] memory roots = new bytes32[](1);
        roots[0] = _root(ref);
        bytes32[] memory salts = new bytes32[](1);
        salts[0] = _salt(ref);
        vm.prank(b.node);
        try jm.reveal(refs, roots, salts) {} catch { ++rejected; }
    }

    function keeper(uint256 seed, uint8 action) external {
        ++calls;
        (bool any, BatchRef ref, IJobMarket.BatchView memory b) = _pick(seed);
        if (!any) return;
        uint256 a = action % 4;
        if (a == 0) {
            try jm.expire(ref) {} catch { ++rejected; }
        } else if (a == 1) {
            try jm.forfeit(ref) {} catch { ++rejected; }
        } else if (a == 2 && b.state == BatchState.Leased) {
            vm.prank(b.node);
            try jm.abandon(ref, "fuzz") {} catch { ++rejected; }
        } else {
            try jm.finalize(ref) {} catch { ++rejected; }
        }
    }

    function requesterAction(uint256 jobSeed, bool cancelIt) external {
        ++calls;
        if (jobIds.length == 0) return;
        uint256 jobId = jobIds[jobSeed % jobIds.length];
        if (cancelIt) {
            vm.prank(requester);
            try jm.cancel(jobId) {} catch { ++rejected; }
        } else {
            try jm.refund(jobId) {} catch { ++rejected; }
        }
    }

    function withdraw(uint256 seed) external {
        ++calls;
        address who = accounts[seed % accounts.length];
        if (jm.creditOf(who) == 0) return;
        vm.prank(who);
        jm.withdraw();
    }

    function passTime(uint256 secs) external {
        ++calls;
        secs = bound(secs, 1, 120);
        vm.warp(block.timestamp + secs);
        _tick();
    }
}

/// @dev Conservation and solvency of the market under random play.
contract JobMarketInvariantTest is MarketFixture {
    MarketHandler internal handler;

    function setUp() public override {
        super.setUp();
        address[] memory accounts = new address[](7);
        accounts[0] = alice;
        accounts[1] = bob;
        accounts[2] = carol;
        accounts[3] = dave;
        accounts[4] = requester;
        accounts[5] = treasury;
        accounts[6] = address(0xBEEF);
        handler = new MarketHandler(jm, token, registry, requester, miners, accounts);
        targetContract(address(handler));
    }

    /// @dev The handler really drives batches to acceptance (so the invariants see paid states too).
    function test_handler_reachesAcceptedBatches() public {
        uint256 accepted;
        for (uint256 round; round < 12; ++round) {
            handler.createJob(8 + round, 4, 0);
            for (uint256 b; b < 2; ++b) {
                handler.lease(round, b, round + b);
            }
            for (uint256 k; k < 4; ++k) {
                handler.commit(round * 4 + k);
                handler.reveal(round * 4 + k);
            }
        }
        for (uint256 i; i < handler.jobCount(); ++i) {
            IJobMarket.JobView memory j = jm.getJob(handler.jobIds(i));
            if (j.escrow < j.units * j.pricePerUnit) ++accepted;
        }
        assertGt(accepted, 0);
        _assertConserved();
    }

    /// forge-config: default.invariant.runs = 24
    /// forge-config: default.invariant.depth = 40
    function invariant_marketBalanceEqualsBooks() public view {
        _assertConserved();
    }

    /// forge-config: default.invariant.runs = 24
    /// forge-config: default.invariant.depth = 40
    function invariant_jobEscrowCoversInFlightValue() public view {
        uint256 n = handler.jobCount();
        uint256 priceEscrow;
        uint256 reserves;
        uint256 bonds;
        for (uint256 i; i < n; ++i) {
            IJobMarket.JobView memory j = jm.getJob(handler.jobIds(i));
            assertGe(j.escrow, j.lockedValue, "escrow >= in-flight value");
            priceEscrow += j.escrow;
            reserves += j.auditReserve;
            bonds += j.bond;
        }
        (uint256 e, uint256 r, uint256 b,,) = jm.escrowTotals();
        assertEq(e, priceEscrow, "price escrow = sum over jobs");
        assertEq(r, reserves, "reserves = sum over jobs");
        assertEq(b, bonds, "bonds = sum over jobs");
    }

    /// forge-config: default.invariant.runs = 24
    /// forge-config: default.invariant.depth = 40
    function invariant_lockedCollateralWithinStake() public view {
        for (uint256 i; i < miners.length; ++i) {
            INodeRegistry.NodeView memory nv = registry.getNode(miners[i]);
            assertLe(nv.locked, nv.stake + nv.unbonding, "locked <= stake");
        }
    }
}
