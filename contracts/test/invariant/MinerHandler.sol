// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {HandlerBase} from "./HandlerBase.sol";
import {World} from "./World.sol";
import {IJobMarketTypes} from "../../src/interfaces/IJobMarket.sol";
import {INodeRegistry} from "../../src/interfaces/INodeRegistry.sol";
import {DeviceClass} from "../../src/interfaces/Types.sol";
import {BatchRef, BatchState, JobStatus} from "../../src/libraries/JobMarketTypes.sol";

/// @dev Miners: lease batches they are drawn for, commit honest (or, sometimes, wrong) results, reveal when
/// the order of play allows, abandon, prove their unit in a dispute, and manage their stake and credits.
contract MinerHandler is HandlerBase {
    constructor(World world) HandlerBase(world) {}

    /// @dev Leases up to `want` open batches of one job to the first node drawn for the first of them.
    function lease(uint256 jobSeed, uint256 batchSeed, uint256 want) external observed {
        uint256 nJobs = w.jobCount();
        if (nJobs == 0) return;
        uint256 jobId = w.jobs()[jobSeed % nJobs];
        uint256[] memory open = _openBatches(jobId, batchSeed);
        if (open.length == 0) return _count("lease.none");
        address node = _drawn(open[0], batchSeed);
        if (node == address(0)) {
            // Nobody drawn yet: the threshold widens with time.
            _warp(10);
            return _count("lease.waitWiden");
        }
        uint256[] memory idxs = _eligibleIndexes(open, node, bound(want, 1, 4));
        _flush();
        vm.prank(node);
        try jm.leaseBatches(jobId, idxs) {
            _count("lease.ok");
        } catch {
            _discard();
            _count("lease.reverted");
        }
        _mine(1);
    }

    /// @dev Open batches of a job that may be leased now (chain predecessors revealed), from a seeded offset.
    function _openBatches(uint256 jobId, uint256 seed) internal returns (uint256[] memory open) {
        IJobMarketTypes.JobView memory job = jm.getJob(jobId);
        if (job.status & JobStatus.CLOSED != 0 || block.timestamp >= job.deadline) {
            _count("lease.closed");
            return new uint256[](0);
        }
        open = new uint256[](job.batches);
        uint256 nOpen;
        for (uint256 k; k < job.batches; ++k) {
            uint256 idx = ((seed >> 8) + k) % job.batches;
            uint256 ref = (jobId << 32) | idx;
            if (w.stateOf(ref) != uint8(BatchState.Open)) continue;
            if (job.chains != 0 && idx >= job.chains) {
                uint8 ps = w.stateOf(ref - job.chains);
                if (ps < uint8(BatchState.Revealed) || ps == uint8(BatchState.Indeterminate)) continue;
            }
            open[nOpen++] = ref;
        }
        assembly ("memory-safe") {
            mstore(open, nOpen)
        }
    }

    function _drawn(uint256 ref, uint256 seed) internal view returns (address) {
        // Prefer a node drawn under the base threshold (earns emission); else one admitted by widening.
        uint256 n = w.nodeCount();
        address widened;
        for (uint256 k; k < n; ++k) {
            address cand = w.nodeAt((seed >> 8) + k);
            (bool ok, bool wide) = jm.leaseEligibility(BatchRef.wrap(ref), cand);
            if (ok && !wide) return cand;
            if (ok && widened == address(0)) widened = cand;
        }
        return widened;
    }

    function _eligibleIndexes(uint256[] memory open, address node, uint256 want)
        internal
        view
        returns (uint256[] memory idxs)
    {
        idxs = new uint256[](want);
        uint256 m;
        for (uint256 k; k < open.length && m < want; ++k) {
            (bool ok,) = jm.leaseEligibility(BatchRef.wrap(open[k]), node);
            if (ok) idxs[m++] = open[k] & type(uint32).max;
        }
        assembly ("memory-safe") {
            mstore(idxs, m)
        }
    }

    /// @dev A group of batches one node sends in one call.
    struct Group {
        address node;
        uint256 m;
        BatchRef[] refs;
        bytes32[] a;
        bytes32[] b;
    }

    function _group() internal pure returns (Group memory g) {
        g.refs = new BatchRef[](MAX_GROUP);
        g.a = new bytes32[](MAX_GROUP);
        g.b = new bytes32[](MAX_GROUP);
    }

    function _trim(Group memory g) internal pure {
        BatchRef[] memory refs = g.refs;
        bytes32[] memory a = g.a;
        bytes32[] memory b = g.b;
        uint256 m = g.m;
        assembly ("memory-safe") {
            mstore(refs, m)
            mstore(a, m)
            mstore(b, m)
        }
    }

    /// @dev The primary of a leased batch commits it (and its other leased batches, up to 8, in one call);
    /// one call in four commits a wrong root.
    function commit(uint256 seed) external observed {
        Group memory g = _group();
        g.node = _liveLeaseHolder(seed);
        if (g.node == address(0)) return;
        bool honest = seed % 4 != 0;
        uint256 n = w.refCount();
        for (uint256 k; k < n && g.m < MAX_GROUP; ++k) {
            _addCommit(g, w.refAt(((seed >> 8) + k) % n), honest);
        }
        if (g.m == 0) return _count("commit.late");
        _trim(g);
        _flush();
        vm.prank(g.node);
        try jm.commit(g.refs, g.a) {
            _count(honest ? bytes32("commit.honest") : bytes32("commit.wrong"));
        } catch {
            _discard();
            _count("commit.reverted");
        }
        _mine(2);
    }

    /// @dev The primary of the first leased batch (from a seeded offset) whose lease is still running.
    function _liveLeaseHolder(uint256 seed) internal view returns (address) {
        uint256 n = w.refCount();
        for (uint256 k; k < n; ++k) {
            uint256 r = w.refAt(((seed >> 8) + k) % n);
            if (w.stateOf(r) != uint8(BatchState.Leased)) continue;
            IJobMarketTypes.BatchView memory b = _batch(r);
            if (block.timestamp <= b.deadline) return b.node;
        }
        return address(0);
    }

    function _addCommit(Group memory g, uint256 r, bool honest) internal {
        if (w.stateOf(r) != uint8(BatchState.Leased)) return;
        IJobMarketTypes.BatchView memory b = _batch(r);
        if (b.node != g.node || block.timestamp > b.deadline) return;
        bytes32 root = honest ? _honestRoot(r, b.units) : _garbage(r, b.attempt, g.node);
        w.setPrimaryRoot(r, b.attempt, root);
        g.refs[g.m] = BatchRef.wrap(r);
        g.a[g.m] = jm.expectedCommitment(BatchRef.wrap(r), root, _salt(r, b.attempt, g.node), g.node);
        ++g.m;
    }

    /// @dev The primary reveals what it committed, for batches whose order of play allows it: unaudited
    /// (draw known), auditor committed, or audit lapsed.
    function reveal(uint256 seed) external observed {
        uint256 n = w.refCount();
        if (n == 0) return;
        Group memory g = _group();
        for (uint256 k; k < n && g.m < MAX_GROUP; ++k) {
            _addReveal(g, w.refAt(((seed >> 8) + k) % n));
        }
        if (g.m == 0) {
            _mine(1);
            return _count("reveal.none");
        }
        _trim(g);
        _flush();
        vm.prank(g.node);
        try jm.reveal(g.refs, g.a, g.b) {
            _count("reveal.ok");
        } catch {
            _discard();
            _count("reveal.reverted");
        }
        _mine(1);
    }

    function _addReveal(Group memory g, uint256 r) internal view {
        uint8 s = w.stateOf(r);
        if (s != uint8(BatchState.Committed) && s != uint8(BatchState.AuditCommitted) && s != uint8(BatchState.AuditSeated)) {
            return;
        }
        IJobMarketTypes.BatchView memory b = _batch(r);
        if (g.node != address(0) && b.node != g.node) return;
        // A batch an attacker committed with a copied commitment has nothing it could reveal.
        if (!_mayReveal(r, b) || w.primaryRoot(r, b.attempt) == bytes32("copied")) return;
        g.node = b.node;
        g.refs[g.m] = BatchRef.wrap(r);
        g.a[g.m] = w.primaryRoot(r, b.attempt);
        g.b[g.m] = _salt(r, b.attempt, b.node);
        ++g.m;
    }

    function _mayReveal(uint256 r, IJobMarketTypes.BatchView memory b) internal view returns (bool) {
        if (b.state == BatchState.AuditSeated) {
            (,, uint256 seatStart,,,,) = jm.getAudit(BatchRef.wrap(r));
            return block.timestamp >= seatStart + 8 * w.config().marketParams().auditWindow;
        }
        if (block.timestamp > b.deadline) return false;
        if (b.state == BatchState.AuditCommitted) return true;
        (bool ready, bool audited,,) = jm.auditDraw(BatchRef.wrap(r));
        return ready && !audited;
    }

    /// @dev The primary of a leased batch gives it back without penalty.
    function abandon(uint256 seed) external observed {
        (uint256 ref, bool found) = _find(seed, BatchState.Leased);
        if (!found) return;
        _flush();
        vm.prank(_batch(ref).node);
        try jm.abandon(BatchRef.wrap(ref), "unrunnable") {
            _count("abandon.ok");
        } catch {
            _discard();
            _count("abandon.reverted");
        }
    }

    /// @dev An honest primary proves its unit at the drawn index in a dispute.
    function proveUnit(uint256 seed) external observed {
        (uint256 ref, bool found) = _find(seed, BatchState.Disputed);
        if (!found) return;
        IJobMarketTypes.BatchView memory b = _batch(ref);
        if (b.digest != _honestRoot(ref, b.units)) return _count("prove.cannot");
        (,,, uint256 unitIndex,,,) = jm.getAudit(BatchRef.wrap(ref));
        _flush();
        vm.prank(b.node);
        try jm.proveUnit(BatchRef.wrap(ref), _unitRoot(ref, unitIndex), _proof(ref, b.units, unitIndex)) {
            _count("prove.ok");
        } catch {
            _discard();
            _count("prove.reverted");
        }
    }

    // ---------------------------------------------------------------- registration, stake and credits

    uint256 internal _late;

    /// @dev A new operator joins: its owner stakes the class minimum (plus a bounded extra) for a fresh hot
    /// key, which registers (at most three late nodes per run).
    function register(uint256 seed, uint256 extra) external observed {
        if (_late >= 3) return _count("register.cap");
        address node = vm.addr(uint256(keccak256(abi.encode("late node", address(this), _late))));
        address owner = vm.addr(uint256(keccak256(abi.encode("late owner", address(this), _late))));
        ++_late;
        DeviceClass c = DeviceClass(seed % 4);
        uint256 amount = registry.minStake(c) + bound(extra, 0, 2_000e18);
        w.addNode(node, owner);
        vm.prank(w.faucet());
        token.transfer(owner, amount);
        vm.startPrank(owner);
        token.approve(address(registry), amount);
        registry.stake(node, amount);
        vm.stopPrank();
        vm.prank(node);
        registry.register(owner, c, 1_000, "ipfs://late");
        _count("register.ok");
    }

    function stake(uint256 seed, uint256 amount) external observed {
        address node = w.nodeAt(seed);
        address owner = registry.ownerOf(node);
        amount = bound(amount, 1e18, 2_000e18);
        vm.prank(w.faucet());
        token.transfer(owner, amount);
        vm.startPrank(owner);
        token.approve(address(registry), amount);
        registry.stake(node, amount);
        vm.stopPrank();
        _count("stake.ok");
    }

    function requestUnbond(uint256 seed, uint256 amount) external observed {
        address node = w.nodeAt(seed);
        uint256 free = registry.freeStake(node);
        if (free == 0) return _count("unbond.noFree");
        amount = bound(amount, 1, free / 4 + 1);
        vm.prank(registry.ownerOf(node));
        registry.requestUnbond(node, amount);
        _count("unbond.ok");
    }

    function withdrawStake(uint256 seed) external observed {
        address node = w.nodeAt(seed);
        INodeRegistry.NodeView memory v = registry.getNode(node);
        if (v.unbonding == 0) return;
        _flush();
        vm.prank(v.owner);
        try registry.withdraw(node) {
            _count("withdrawStake.ok");
        } catch {
            _discard();
            _count("withdrawStake.early");
        }
    }

    function withdrawCredit(uint256 seed) external observed {
        address owner = w.ownerAt(seed);
        if (jm.creditOf(owner) == 0) return;
        vm.prank(owner);
        jm.withdraw();
        _count("withdrawCredit.ok");
    }
}
