// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Base} from "../utils/Base.t.sol";
import {Vm} from "../utils/Vm.sol";
import {console} from "../utils/console.sol";
import {JobMarket} from "../../src/JobMarket.sol";
import {ConfigKeys} from "../../src/interfaces/IProtocolConfig.sol";
import {DeviceClass} from "../../src/interfaces/Types.sol";
import {MarketMath} from "../../src/libraries/MarketMath.sol";
import {Sortition} from "../../src/libraries/Sortition.sol";
import {BatchRef, BatchRefLib, BatchState, JobParams} from "../../src/libraries/JobMarketTypes.sol";

/// @dev Gas benchmark (DESIGN 11), run by `npm run bench:gas` under `forge test --isolate`, where every call
/// from this contract is its own transaction: fresh access lists and original storage values, as on a chain.
/// Each transaction is charged what a chain would charge: 21,000 + calldata (EIP-2028, with the EIP-7623
/// floor) + execution - the EIP-3529 refund. One node leases 8 batches in one transaction, commits them in
/// one, reveals them in one (acceptance, payment credit and reward accrual happen there), then claims its
/// emission once and withdraws its credit once. Figures: gas per unit for batch sizes 1, 8, 32 (10 nodes),
/// and the same lifecycle at batch size 32 with 10, 1,000 and 100,000 registered nodes (the other nodes are
/// written into the registry's class weight sums with `vm.store`: only their total weight is on the path).
/// The node leases batches it is drawn for under the base sortition threshold (found by scanning batch
/// indexes of one large job), and the commit's audit seed is chosen so that the 8 batches are unaudited.
/// Lines `BENCH {json}` are what the npm script prints; the per-operation table goes to the log.
contract GasBenchTest is Base {
    uint256 internal constant BATCHES = 8;
    uint256 internal constant JOB_BATCHES = 400_000;
    uint256 internal constant TARGET_PER_UNIT = 8_000;
    uint256 internal constant NODE_STAKE = 20_000e18;

    address internal node;
    address internal nodeOwner;
    address internal auditorNode;
    uint256 internal lanesSlot;

    struct Op {
        string name;
        uint256 gas;
    }

    struct Run {
        uint256 total;
        uint256 units;
        Op[6] ops;
    }

    function setUp() public override {
        super.setUp();
        // Collateral of 5% of stake per lease lets one node hold the 8 leases.
        _govern(ConfigKeys.SLASH_BPS, 500);
        node = makeAddr("benchNode");
        nodeOwner = makeAddr("benchOwner");
        _registerNode(node, nodeOwner, DeviceClass.GPU, NODE_STAKE);
        auditorNode = makeAddr("benchAuditor");
        _registerNode(auditorNode, makeAddr("benchAuditorOwner"), DeviceClass.GPU, NODE_STAKE);
        _fund(requester, 50_000_000e18);
        vm.prank(requester);
        token.approve(address(jobMarket), type(uint256).max);
        lanesSlot = _findLanesSlot();
        _mine(3);
    }

    function test_gasBenchmark() public {
        // Under --isolate the last call's gas is its execution only (no intrinsic gas): `_txGas` adds it.
        token.balanceOf(node);
        require(vm.lastCallGas().gasTotalUsed < 21_000, "run with forge test --isolate; execution gas only");
        require(vm.lastCallGas().gasTotalUsed > 0, "run with forge test --isolate");
        uint256[3] memory sizes = [uint256(1), 8, 32];
        uint256 perUnit32;
        for (uint256 i; i < 3; ++i) {
            uint256 snap = vm.snapshotState();
            Run memory r = _lifecycle(uint16(sizes[i]), 10);
            uint256 perUnit = r.total / r.units;
            _print(string.concat('{"metric":"gas_per_unit","batch":', vm.toString(sizes[i]), ',"gas":', vm.toString(perUnit), "}"));
            _table(string.concat("batch ", vm.toString(sizes[i]), ", 10 nodes"), r);
            if (sizes[i] == 32) perUnit32 = perUnit;
            vm.revertToState(snap);
        }
        uint256[3] memory counts = [uint256(10), 1_000, 100_000];
        uint256 lo = type(uint256).max;
        uint256 hi;
        for (uint256 i; i < 3; ++i) {
            uint256 snap = vm.snapshotState();
            Run memory r = _lifecycle(32, counts[i]);
            uint256 perUnit = r.total / r.units;
            _print(string.concat('{"metric":"gas_vs_nodes","nodes":', vm.toString(counts[i]), ',"gas":', vm.toString(perUnit), "}"));
            _table(string.concat("batch 32, ", vm.toString(counts[i]), " nodes"), r);
            if (perUnit < lo) lo = perUnit;
            if (perUnit > hi) hi = perUnit;
            vm.revertToState(snap);
        }
        _auditedPath();
        assertLe(perUnit32, TARGET_PER_UNIT, "gas per unit at batch 32");
        assertLe(hi * 100, lo * 105, "max/min across node counts <= 1.05");
    }

    // ---------------------------------------------------------------- one lifecycle

    /// @dev The batches of one lifecycle and what the node sends for them.
    struct Work {
        uint256 jobId;
        uint16 batchSize;
        uint256[] idx;
        BatchRef[] refs;
        bytes32[] roots;
        bytes32[] salts;
        bytes32[] commits;
    }

    function _lifecycle(uint16 batchSize, uint256 nodes) internal returns (Run memory r) {
        // The network: `nodes` GPU nodes of the bench node's weight (all at the starting reputation).
        uint256 w = registry.assignmentWeight(node);
        vm.store(address(registry), bytes32(lanesSlot), bytes32((nodes * w) << 192));
        require(registry.activeWeight(DeviceClass.GPU) == nodes * w, "lanes slot");

        Work memory k;
        k.batchSize = batchSize;
        k.jobId = _createJob(batchSize);
        _mine(2);
        k.idx = _drawnBatches(k.jobId, nodes * w, w);
        _lease(k, r);
        _commit(k, r);
        _reveal(k, r);
        _claimAndWithdraw(r);
        for (uint256 i; i < 6; ++i) {
            r.total += r.ops[i].gas;
        }
        r.units = BATCHES * batchSize;
    }

    function _lease(Work memory k, Run memory r) internal {
        vm.prank(node);
        jobMarket.leaseBatches(k.jobId, k.idx);
        r.ops[0] = Op("lease x8", _txGas(abi.encodeCall(JobMarket.leaseBatches, (k.jobId, k.idx))));
        _mine(1);
    }

    function _commit(Work memory k, Run memory r) internal {
        k.refs = new BatchRef[](BATCHES);
        k.roots = new bytes32[](BATCHES);
        k.salts = new bytes32[](BATCHES);
        k.commits = new bytes32[](BATCHES);
        for (uint256 i; i < BATCHES; ++i) {
            k.refs[i] = BatchRefLib.pack(k.jobId, k.idx[i]);
            k.roots[i] = _root(k.refs[i], k.batchSize);
            k.salts[i] = keccak256(abi.encode("salt", k.refs[i]));
            k.commits[i] = jobMarket.expectedCommitment(k.refs[i], k.roots[i], k.salts[i], node);
        }
        vm.prank(node);
        jobMarket.commit(k.refs, k.commits);
        r.ops[1] = Op("commit x8", _txGas(abi.encodeCall(JobMarket.commit, (k.refs, k.commits))));
        _unauditedSeed(k.refs);
    }

    function _reveal(Work memory k, Run memory r) internal {
        vm.prank(node);
        jobMarket.reveal(k.refs, k.roots, k.salts);
        r.ops[2] =
            Op("reveal x8 (accept, credit, accrue)", _txGas(abi.encodeCall(JobMarket.reveal, (k.refs, k.roots, k.salts))));
        for (uint256 i; i < BATCHES; ++i) {
            require(jobMarket.getBatch(k.refs[i]).state == BatchState.Accepted, "accepted");
        }
        r.ops[3] = Op("finalize (unchained: done in reveal)", 0);
    }

    function _claimAndWithdraw(Run memory r) internal {
        uint256 epoch = rewardEngine.currentEpoch();
        _warpToEpoch(epoch + 1);
        uint256[] memory epochs = new uint256[](1);
        epochs[0] = epoch;
        vm.prank(nodeOwner);
        rewardEngine.claimRewards(node, epochs);
        r.ops[4] = Op("claim once (settles the epoch)", _txGas(abi.encodeCall(rewardEngine.claimRewards, (node, epochs))));
        require(token.mintedFromPool() != 0, "emission claimed");
        vm.prank(nodeOwner);
        jobMarket.withdraw();
        r.ops[5] = Op("withdraw credit once", _txGas(abi.encodeCall(JobMarket.withdraw, ())));
    }

    function _createJob(uint16 batchSize) internal returns (uint256 jobId) {
        JobParams memory p = JobParams({
            specHash: keccak256("bench"),
            units: uint32(JOB_BATCHES * batchSize),
            batchSize: batchSize,
            cuPerUnit: 100,
            pricePerUnit: 1e13,
            auditReserve: 1e18,
            requesterBond: 1e18,
            deadline: uint32(block.timestamp + 1 days),
            minAuditBps: 0,
            chains: 0,
            minDeviceClass: DeviceClass.CPU
        });
        vm.prank(requester);
        jobId = jobMarket.createJob(p);
    }

    /// @dev The first 8 batch indexes the node is drawn for under the base threshold, computed as the market
    /// does (same seed block, same per-batch seed, same Sortition call).
    function _drawnBatches(uint256 jobId, uint256 totalWeight, uint256 w) internal view returns (uint256[] memory idx) {
        bytes32 seed = blockhash(MarketMath.rollingSeedBlock(block.number - 2, block.number));
        uint256 k = config.marketParams().sortitionK;
        idx = new uint256[](BATCHES);
        uint256 found;
        for (uint256 i; i < JOB_BATCHES && found < BATCHES; ++i) {
            if (_drawn(seed, BatchRef.unwrap(BatchRefLib.pack(jobId, i)), k, w, totalWeight)) idx[found++] = i;
        }
        require(found == BATCHES, "not enough drawn batches");
    }

    function _drawn(bytes32 seed, uint256 ref, uint256 k, uint256 w, uint256 totalWeight) internal view returns (bool) {
        bytes32 h;
        // keccak256(abi.encode(seed, ref, attempt 0)) in scratch memory: 400k iterations must not grow memory.
        assembly ("memory-safe") {
            let p := mload(0x40)
            mstore(p, seed)
            mstore(add(p, 0x20), ref)
            mstore(add(p, 0x40), 0)
            h := keccak256(p, 0x60)
        }
        (bool ok, bool widened) = Sortition.checkLease(h, node, k, w, totalWeight, 0, 1);
        return ok && !widened;
    }

    /// @dev Picks the hash of the commit's seed block so that none of the 8 batches is audited (the happy
    /// path most batches take; the audited path's operations are outside this figure).
    function _unauditedSeed(BatchRef[] memory refs) internal {
        uint256 seedBlock = block.number + 1;
        vm.roll(block.number + 2);
        vm.warp(block.timestamp + 2);
        for (uint256 t; t < 10_000; ++t) {
            vm.setBlockhash(seedBlock, keccak256(abi.encode("audit seed", t)));
            bool any;
            for (uint256 i; i < refs.length && !any; ++i) {
                (bool ready, bool audited,,) = jobMarket.auditDraw(refs[i]);
                require(ready, "draw ready");
                any = audited;
            }
            if (!any) return;
        }
        revert("no unaudited seed");
    }

    // ---------------------------------------------------------------- the audited path (table only)

    /// @dev What an audited batch of 32 adds (seat, auditor commit, auditor reveal with proof) and what its
    /// primary reveal costs alone, at 10 nodes. Printed to the table, not part of the figures above.
    function _auditedPath() internal {
        uint256 snap = vm.snapshotState();
        uint256 w = registry.assignmentWeight(node);
        vm.store(address(registry), bytes32(lanesSlot), bytes32((10 * w) << 192));
        uint256 jobId = _createJob(32);
        _mine(2);
        uint256[] memory idx = _drawnBatches(jobId, 10 * w, w);
        uint256[] memory first = new uint256[](1);
        first[0] = idx[0];
        vm.prank(node);
        jobMarket.leaseBatches(jobId, first);
        _mine(1);
        Audited memory a;
        a.ref = BatchRefLib.pack(jobId, first[0]);
        a.root = _root(a.ref, 32);
        a.salt = keccak256(abi.encode("salt", a.ref));
        bytes32[] memory commitment = _one(jobMarket.expectedCommitment(a.ref, a.root, a.salt, node));
        vm.prank(node);
        jobMarket.commit(_list(a.ref), commitment);
        a.unit = _auditedSeed(a.ref, 10 * w, w);
        a.unitRoot = keccak256(abi.encode("unit", a.ref, a.unit));
        a.auditSalt = keccak256("audit salt");
        Op[4] memory ops = _auditOps(a);
        require(jobMarket.getBatch(a.ref).state == BatchState.Accepted, "audited batch accepted");
        console.log("TABLE audited batch of 32, 10 nodes (extra transactions, not in the figures)");
        uint256 extra;
        for (uint256 i; i < 4; ++i) {
            console.log(string.concat("TABLE   ", ops[i].name), ops[i].gas);
            if (i != 2) extra += ops[i].gas;
        }
        console.log("TABLE   audit transactions per audited unit", extra / 32);
        vm.revertToState(snap);
    }

    struct Audited {
        BatchRef ref;
        bytes32 root;
        bytes32 salt;
        uint256 unit;
        bytes32 unitRoot;
        bytes32 auditSalt;
    }

    function _auditOps(Audited memory a) internal returns (Op[4] memory ops) {
        vm.prank(auditorNode);
        jobMarket.claimAuditSeat(a.ref);
        ops[0] = Op("claimAuditSeat (draw + seat + bond)", _txGas(abi.encodeCall(JobMarket.claimAuditSeat, (a.ref))));
        bytes32 c = MarketMath.commitment(a.ref.jobId(), a.ref.index(), 0, a.unitRoot, a.auditSalt, auditorNode);
        vm.prank(auditorNode);
        jobMarket.commitAudit(a.ref, c);
        ops[1] = Op("commitAudit", _txGas(abi.encodeCall(JobMarket.commitAudit, (a.ref, c))));
        BatchRef[] memory refs = _list(a.ref);
        bytes32[] memory roots = _one(a.root);
        bytes32[] memory salts = _one(a.salt);
        vm.prank(node);
        jobMarket.reveal(refs, roots, salts);
        ops[2] = Op("primary reveal x1 (audited: waits)", _txGas(abi.encodeCall(JobMarket.reveal, (refs, roots, salts))));
        bytes32[] memory proof = _proof(a.ref, 32, a.unit);
        vm.prank(auditorNode);
        jobMarket.revealAudit(a.ref, a.unitRoot, a.auditSalt, proof);
        ops[3] = Op(
            "revealAudit (proof, accept, pay both)",
            _txGas(abi.encodeCall(JobMarket.revealAudit, (a.ref, a.unitRoot, a.auditSalt, proof)))
        );
    }

    function _list(BatchRef ref) internal pure returns (BatchRef[] memory r) {
        r = new BatchRef[](1);
        r[0] = ref;
    }

    function _one(bytes32 x) internal pure returns (bytes32[] memory r) {
        r = new bytes32[](1);
        r[0] = x;
    }

    /// @dev Picks the hash of the commit's seed block so that the batch is audited and the auditor node holds
    /// the first seat window; returns the drawn unit.
    function _auditedSeed(BatchRef ref, uint256 totalWeight, uint256 w) internal returns (uint256 unit) {
        uint256 seedBlock = block.number + 1;
        vm.roll(block.number + 2);
        vm.warp(block.timestamp + 2);
        (uint256 p,) = Sortition.threshold(config.marketParams().sortitionK, w, totalWeight, 0, 0);
        for (uint256 t; t < 10_000; ++t) {
            bytes32 seed = keccak256(abi.encode("audited seed", t));
            vm.setBlockhash(seedBlock, seed);
            (, bool audited,, uint256 u) = jobMarket.auditDraw(ref);
            if (!audited) continue;
            if (Sortition.isEligible(keccak256(abi.encode(seed, ref, uint256(0), uint256(0), "seat")), auditorNode, p)) {
                return u;
            }
        }
        revert("no audited seed");
    }

    function _proof(BatchRef ref, uint256 units, uint256 index) internal pure returns (bytes32[] memory proof) {
        uint256 size = 1;
        uint256 depth;
        while (size < units) {
            size *= 2;
            ++depth;
        }
        bytes32[] memory level = new bytes32[](size);
        for (uint256 i; i < units; ++i) {
            level[i] = keccak256(abi.encodePacked(bytes1(0x00), i, keccak256(abi.encode("unit", ref, i))));
        }
        proof = new bytes32[](depth);
        for (uint256 d; d < depth; ++d) {
            proof[d] = level[index ^ 1];
            bytes32[] memory next = new bytes32[](level.length / 2);
            for (uint256 j; j < next.length; ++j) {
                next[j] = keccak256(abi.encodePacked(bytes1(0x01), level[2 * j], level[2 * j + 1]));
            }
            level = next;
            index >>= 1;
        }
    }

    // ---------------------------------------------------------------- gas accounting

    /// @dev What the last call would have cost as a transaction carrying `data`.
    function _txGas(bytes memory data) internal view returns (uint256) {
        Vm.Gas memory g = vm.lastCallGas();
        uint256 zeros;
        for (uint256 i; i < data.length; ++i) {
            if (data[i] == 0) ++zeros;
        }
        uint256 tokens = zeros + 4 * (data.length - zeros);
        uint256 exec = g.gasTotalUsed;
        uint256 used = 21_000 + 4 * tokens + exec;
        uint256 refund = g.gasRefunded > 0 ? uint256(uint64(g.gasRefunded)) : 0;
        if (refund > used / 5) refund = used / 5;
        used -= refund;
        uint256 floor = 21_000 + 10 * tokens;
        return used > floor ? used : floor;
    }

    // ---------------------------------------------------------------- helpers

    function _findLanesSlot() internal view returns (uint256) {
        uint256 lanes = registry.activeWeight(DeviceClass.GPU) << 192;
        for (uint256 s; s < 16; ++s) {
            if (uint256(vm.load(address(registry), bytes32(s))) == lanes) return s;
        }
        revert("class weight slot not found");
    }

    function _mine(uint256 n) internal {
        for (uint256 i; i < n; ++i) {
            vm.setBlockhash(block.number, keccak256(abi.encode("block", block.number)));
            vm.roll(block.number + 1);
            vm.warp(block.timestamp + 1);
        }
    }

    function _root(BatchRef ref, uint256 units) internal pure returns (bytes32) {
        uint256 size = 1;
        while (size < units) size *= 2;
        bytes32[] memory level = new bytes32[](size);
        for (uint256 i; i < units; ++i) {
            level[i] = keccak256(abi.encodePacked(bytes1(0x00), i, keccak256(abi.encode("unit", ref, i))));
        }
        while (level.length > 1) {
            bytes32[] memory next = new bytes32[](level.length / 2);
            for (uint256 j; j < next.length; ++j) {
                next[j] = keccak256(abi.encodePacked(bytes1(0x01), level[2 * j], level[2 * j + 1]));
            }
            level = next;
        }
        return level[0];
    }

    function _print(string memory json) internal view {
        console.log(string.concat("BENCH ", json));
    }

    function _table(string memory title, Run memory r) internal view {
        console.log(string.concat("TABLE ", title));
        for (uint256 i; i < 6; ++i) {
            console.log(string.concat("TABLE   ", r.ops[i].name), r.ops[i].gas);
        }
        console.log("TABLE   total", r.total);
        console.log("TABLE   per unit", r.total / r.units);
    }
}
