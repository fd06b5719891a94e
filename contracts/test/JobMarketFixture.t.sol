// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Base} from "./utils/Base.t.sol";
import {JobMarket} from "../src/JobMarket.sol";
import {JobMarketDeployer} from "../src/market/JobMarketDeployer.sol";
import {IJobMarket} from "../src/interfaces/IJobMarket.sol";
import {IMAIToken} from "../src/interfaces/IMAIToken.sol";
import {IProtocolConfig} from "../src/interfaces/IProtocolConfig.sol";
import {DeviceClass} from "../src/interfaces/Types.sol";
import {MarketMath} from "../src/libraries/MarketMath.sol";
import {BatchRef, BatchRefLib, BatchState, JobParams} from "../src/libraries/JobMarketTypes.sol";

/// @dev Shared fixture of the JobMarket tests: the whole protocol from `Base` with the real market, four
/// nodes with distinct owners (miner1/alice, miner2/bob, miner3/carol, miner4/dave), a funded requester,
/// and helpers that mine blocks with known hashes, find eligible nodes and drive a batch through its life.
abstract contract MarketFixture is Base {
    JobMarket internal jm;
    address internal carol;
    address internal dave;
    address[] internal miners;
    mapping(address node => address owner) internal ownerOf;

    uint256 internal constant STAKE = 10_000e18;
    uint256 internal constant PRICE = 1e18;
    uint64 internal constant CU = 100;

    function _deployMarket() internal override returns (address) {
        jm = JobMarketDeployer.deploy(IMAIToken(address(token)), config, registry, rewardEngine, randomness);
        return address(jm);
    }

    function setUp() public virtual override {
        super.setUp();
        carol = makeAddr("carol");
        dave = makeAddr("dave");
        miners.push(miner1);
        miners.push(miner2);
        miners.push(miner3);
        miners.push(miner4);
        address[4] memory owners = [alice, bob, carol, dave];
        for (uint256 i; i < 4; ++i) {
            _registerNode(miners[i], owners[i], DeviceClass.GPU, STAKE);
            ownerOf[miners[i]] = owners[i];
        }
        _fund(requester, 1_000_000e18);
        vm.prank(requester);
        token.approve(address(jm), type(uint256).max);
        _mine(2);
    }

    // ---------------------------------------------------------------- chain helpers

    /// @dev Mines `n` blocks (one second each) and gives each a known, non-zero hash.
    function _mine(uint256 n) internal {
        for (uint256 i; i < n; ++i) {
            vm.setBlockhash(block.number, keccak256(abi.encode("block", block.number)));
            vm.roll(block.number + 1);
            vm.warp(block.timestamp + 1);
        }
    }

    function _params(uint32 units, uint16 batchSize) internal view returns (JobParams memory p) {
        p = JobParams({
            specHash: keccak256("spec"),
            units: units,
            batchSize: batchSize,
            cuPerUnit: CU,
            pricePerUnit: uint96(PRICE),
            auditReserve: 100e18,
            requesterBond: 10e18,
            deadline: uint32(block.timestamp + 1 days),
            minAuditBps: 0,
            chains: 0,
            minDeviceClass: DeviceClass.CPU
        });
    }

    function _createJob(JobParams memory p) internal returns (uint256 jobId) {
        vm.prank(requester);
        jobId = jm.createJob(p);
        _mine(2);
    }

    function _ref(uint256 jobId, uint256 index) internal pure returns (BatchRef) {
        return BatchRefLib.pack(jobId, index);
    }

    function _refs(BatchRef ref) internal pure returns (BatchRef[] memory r) {
        r = new BatchRef[](1);
        r[0] = ref;
    }

    function _one(bytes32 x) internal pure returns (bytes32[] memory r) {
        r = new bytes32[](1);
        r[0] = x;
    }

    function _idx(uint256 i) internal pure returns (uint256[] memory r) {
        r = new uint256[](1);
        r[0] = i;
    }

    /// @dev First miner eligible for the batch without widening (or, failing that, any eligible one).
    function _eligible(BatchRef ref) internal view returns (address node, bool widened) {
        address fallbackNode;
        for (uint256 i; i < miners.length; ++i) {
            // Skip nodes whose free stake may no longer cover another lease (conservatively: under half the stake).
            if (registry.freeStake(miners[i]) < STAKE / 2) continue;
            (bool ok, bool w) = jm.leaseEligibility(ref, miners[i]);
            if (ok && !w) return (miners[i], false);
            if (ok && fallbackNode == address(0)) fallbackNode = miners[i];
        }
        return (fallbackNode, fallbackNode != address(0));
    }

    /// @dev A miner that is not eligible for the batch (zero if all are).
    function _ineligible(BatchRef ref) internal view returns (address) {
        for (uint256 i; i < miners.length; ++i) {
            (bool ok,) = jm.leaseEligibility(ref, miners[i]);
            if (!ok) return miners[i];
        }
        return address(0);
    }

    /// @dev Leases the batch to an eligible miner (waiting for widening if nobody is eligible yet).
    function _lease(BatchRef ref) internal returns (address node) {
        (node,) = _eligible(ref);
        for (uint256 tries; node == address(0); ++tries) {
            if (tries == 64) revert("nobody eligible");
            _mine(1);
            vm.warp(block.timestamp + 9);
            (node,) = _eligible(ref);
        }
        vm.prank(node);
        jm.leaseBatches(ref.jobId(), _idx(ref.index()));
    }

    function _salt(BatchRef ref) internal pure returns (bytes32) {
        return keccak256(abi.encode("salt", ref));
    }

    /// @dev The honest result root of a batch: unit roots are keccak(ref, unit), Merkle-ised like the node does.
    function _unitRoot(BatchRef ref, uint256 unit) internal pure returns (bytes32) {
        return keccak256(abi.encode("unit", ref, unit));
    }

    function _unitRoots(BatchRef ref, uint256 units) internal pure returns (bytes32[] memory values) {
        values = new bytes32[](units);
        for (uint256 i; i < units; ++i) values[i] = _unitRoot(ref, i);
    }

    function _commitAs(address node, BatchRef ref, bytes32 root) internal {
        bytes32 c = jm.expectedCommitment(ref, root, _salt(ref), node);
        vm.prank(node);
        jm.commit(_refs(ref), _one(c));
    }

    function _revealAs(address node, BatchRef ref, bytes32 root) internal {
        vm.prank(node);
        jm.reveal(_refs(ref), _one(root), _one(_salt(ref)));
    }

    /// @dev Commits a batch and mines until the audit draw is known; returns whether it is audited.
    function _commitAndDraw(address node, BatchRef ref, bytes32 root) internal returns (bool audited) {
        _commitAs(node, ref, root);
        _mine(2);
        (, audited,,) = jm.auditDraw(ref);
    }

    // ---------------------------------------------------------------- audits and disputes

    /// @dev A miner (not the primary) that may take the audit seat now, waiting window by window.
    function _seatCandidate(BatchRef ref) internal returns (address) {
        for (uint256 w; w < 16; ++w) {
            for (uint256 i; i < miners.length; ++i) {
                if (jm.seatEligibility(ref, miners[i])) return miners[i];
            }
            vm.warp(block.timestamp + 30);
        }
        revert("no seat candidate");
    }

    /// @dev A miner that may join the committee now (widening within the commit phase if needed).
    function _committeeCandidate(BatchRef ref) internal returns (address) {
        for (uint256 w; w < 5; ++w) {
            for (uint256 i; i < miners.length; ++i) {
                if (jm.committeeEligibility(ref, miners[i])) return miners[i];
            }
            vm.warp(block.timestamp + 7);
        }
        revert("no committee candidate");
    }

    function _unitCommitment(BatchRef ref, address who, bytes32 unitRoot) internal view returns (bytes32) {
        return MarketMath.commitment(ref.jobId(), ref.index(), jm.getBatch(ref).attempt, unitRoot, _salt(ref), who);
    }

    /// @dev Seats an auditor and has it commit `unitRoot`.
    function _audit(BatchRef ref, bytes32 unitRoot) internal returns (address auditor) {
        auditor = _seatCandidate(ref);
        vm.prank(auditor);
        jm.claimAuditSeat(ref);
        bytes32 auditCommitment = _unitCommitment(ref, auditor, unitRoot);
        vm.prank(auditor);
        jm.commitAudit(ref, auditCommitment);
    }

    function _auditUnit(BatchRef ref) internal view returns (uint256 unit) {
        (,,, unit,,,) = jm.getAudit(ref);
    }

    function _noProof() internal pure returns (bytes32[] memory) {
        return new bytes32[](0);
    }

    // ---------------------------------------------------------------- Merkle (mirror of merkle.ts)

    function _leaf(uint256 i, bytes32 v) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(bytes1(0x00), i, v));
    }

    function _node(bytes32 l, bytes32 r) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(bytes1(0x01), l, r));
    }

    function _level(bytes32[] memory values) private pure returns (bytes32[] memory level) {
        uint256 size = 1;
        while (size < values.length) size *= 2;
        level = new bytes32[](size);
        for (uint256 i; i < values.length; ++i) level[i] = _leaf(i, values[i]);
    }

    function _merkleRoot(bytes32[] memory values) internal pure returns (bytes32) {
        bytes32[] memory level = _level(values);
        while (level.length > 1) {
            bytes32[] memory next = new bytes32[](level.length / 2);
            for (uint256 i; i < next.length; ++i) next[i] = _node(level[2 * i], level[2 * i + 1]);
            level = next;
        }
        return level[0];
    }

    function _merkleProof(bytes32[] memory values, uint256 index) internal pure returns (bytes32[] memory proof) {
        bytes32[] memory level = _level(values);
        uint256 depth;
        for (uint256 s = level.length; s > 1; s /= 2) ++depth;
        proof = new bytes32[](depth);
        uint256 i = index;
        for (uint256 d; d < depth; ++d) {
            proof[d] = level[i ^ 1];
            bytes32[] memory next = new bytes32[](level.length / 2);
            for (uint256 j; j < next.length; ++j) next[j] = _node(level[2 * j], level[2 * j + 1]);
            level = next;
            i >>= 1;
        }
    }

    // ---------------------------------------------------------------- conservation

    /// @dev The market holds exactly what its books say: escrow + reserves + bonds + pools + credits.
    function _assertConserved() internal view {
        (uint256 e, uint256 r, uint256 b, uint256 p, uint256 c) = jm.escrowTotals();
        assertEq(token.balanceOf(address(jm)), e + r + b + p + c, "market balance == books");
    }
}
