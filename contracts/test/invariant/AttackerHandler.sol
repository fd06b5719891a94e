// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {HandlerBase} from "./HandlerBase.sol";
import {World} from "./World.sol";
import {IJobMarketTypes} from "../../src/interfaces/IJobMarket.sol";
import {BatchRef, BatchState} from "../../src/libraries/JobMarketTypes.sol";

/// @dev Attackers: copy another node's commitment and reveal, reveal wrong roots, reveal before the audit
/// commit, claim rewards twice, take an audit seat on a batch of their own owner, and call privileged
/// functions without the privilege. Every attack must revert; a success is booked as a violation.
contract AttackerHandler is HandlerBase {
    address internal immutable outsider;

    constructor(World world, address outsider_) HandlerBase(world) {
        outsider = outsider_;
    }

    /// @dev A node that holds a lease copies the commitment a victim stored for its batch, then tries to reveal
    /// the victim's root with the victim's salt. The commitment binds batch, attempt and node: it must fail.
    function copyReveal(uint256 seed) external observed {
        (uint256 victimRef, bool found) = _find(seed, BatchState.Committed);
        if (!found) return;
        IJobMarketTypes.BatchView memory victim = _batch(victimRef);
        uint256 n = w.refCount();
        for (uint256 k; k < n; ++k) {
            uint256 r = w.refAt(((seed >> 8) + k) % n);
            if (w.stateOf(r) != uint8(BatchState.Leased)) continue;
            IJobMarketTypes.BatchView memory own = _batch(r);
            if (own.node == victim.node || block.timestamp > own.deadline) continue;
            _flush();
            vm.prank(own.node);
            try jm.commit(_refs1(r), _one(victim.digest)) {}
            catch {
                _discard();
                return _count("copy.commitRefused");
            }
            w.setPrimaryRoot(r, own.attempt, bytes32("copied"));
            _mine(2);
            bytes32 root = w.primaryRoot(victimRef, victim.attempt);
            _flush();
            vm.prank(own.node);
            try jm.reveal(_refs1(r), _one(root), _one(_salt(victimRef, victim.attempt, victim.node))) {
                w.violation(0);
            } catch {
                _discard();
                _count("copy.revealRefused");
            }
            return;
        }
    }

    /// @dev The primary of a committed batch reveals a root it did not commit.
    function wrongReveal(uint256 seed) external observed {
        (uint256 ref, bool found) = _find(seed, BatchState.Committed);
        if (!found) (ref, found) = _find(seed, BatchState.AuditCommitted);
        if (!found) return;
        IJobMarketTypes.BatchView memory b = _batch(ref);
        bytes32 wrong = keccak256(abi.encode(w.primaryRoot(ref, b.attempt), "tampered"));
        _flush();
        vm.prank(b.node);
        try jm.reveal(_refs1(ref), _one(wrong), _one(_salt(ref, b.attempt, b.node))) {
            w.violation(0);
        } catch {
            _discard();
            _count("wrongReveal.refused");
        }
    }

    /// @dev The primary of an audited batch reveals before any auditor committed (and before the audit lapsed).
    function earlyReveal(uint256 seed) external observed {
        uint256 n = w.refCount();
        for (uint256 k; k < n; ++k) {
            uint256 r = w.refAt(((seed >> 8) + k) % n);
            uint8 s = w.stateOf(r);
            BatchRef ref = BatchRef.wrap(r);
            if (s == uint8(BatchState.Committed)) {
                (bool ready, bool audited,,) = jm.auditDraw(ref);
                if (!ready || !audited) continue;
            } else if (s == uint8(BatchState.AuditSeated)) {
                (,, uint256 seatStart,,,,) = jm.getAudit(ref);
                if (block.timestamp >= seatStart + 8 * w.config().marketParams().auditWindow) continue;
            } else {
                continue;
            }
            IJobMarketTypes.BatchView memory b = _batch(r);
            bytes32 root = w.primaryRoot(r, b.attempt);
            _flush();
            vm.prank(b.node);
            try jm.reveal(_refs1(r), _one(root), _one(_salt(r, b.attempt, b.node))) {
                w.violation(1);
            } catch {
                _discard();
                _count("earlyReveal.refused");
            }
            return;
        }
    }

    /// @dev Claims an epoch the node already claimed.
    function doubleClaim(uint256 seed) external observed {
        address node = w.nodeAt(seed);
        uint256[] memory epochs = w.workEpochs(node);
        for (uint256 i; i < epochs.length; ++i) {
            (, bool claimed) = rewards.nodeEpochWeight(epochs[i], node);
            if (!claimed) continue;
            uint256[] memory list = new uint256[](1);
            list[0] = epochs[i];
            _flush();
            vm.prank(registry.ownerOf(node));
            try rewards.claimRewards(node, list) {
                w.violation(2);
            } catch {
                _discard();
                _count("doubleClaim.refused");
            }
            return;
        }
    }

    /// @dev A node tries to audit a batch whose primary shares its owner.
    function sameOwnerSeat(uint256 seed) external observed {
        (uint256 ref, bool found) = _find(seed, BatchState.AuditSeated);
        if (!found) return;
        address primary = _batch(ref).node;
        address owner = registry.ownerOf(primary);
        uint256 n = w.nodeCount();
        for (uint256 k; k < n; ++k) {
            address cand = w.nodeAt(k);
            if (cand == primary || registry.ownerOf(cand) != owner) continue;
            _flush();
            vm.prank(cand);
            try jm.claimAuditSeat(BatchRef.wrap(ref)) {
                w.violation(4);
            } catch {
                _discard();
                _count("sameOwnerSeat.refused");
            }
            return;
        }
    }

    /// @dev Privileged or foreign calls from an outsider (or from the wrong actor).
    function unauthorized(uint256 seed, uint256 amount) external observed {
        address node = w.nodeAt(seed);
        amount = bound(amount, 1, 1e18);
        uint256 kind = seed % 10;
        bool ok;
        _flush();
        vm.startPrank(outsider);
        if (kind == 0) ok = _try(address(token), abi.encodeCall(token.mint, (outsider, amount)));
        else if (kind == 1) ok = _try(address(registry), abi.encodeCall(registry.slash, (node, amount)));
        else if (kind == 2) ok = _try(address(registry), abi.encodeCall(registry.lockCollateral, (node, amount)));
        else if (kind == 3) ok = _try(address(registry), abi.encodeCall(registry.recordAuditPassed, (node)));
        else if (kind == 4) ok = _try(address(rewards), abi.encodeCall(rewards.accrue, (node, amount)));
        else if (kind == 5) ok = _try(address(registry), abi.encodeCall(registry.requestUnbond, (node, amount)));
        else if (kind == 6) ok = _try(address(registry), abi.encodeCall(registry.withdraw, (node)));
        else if (kind == 7) ok = _try(address(rewards), abi.encodeCall(rewards.claimRewards, (node, new uint256[](0))));
        else if (kind == 8) {
            (uint256 ref, bool found) = _find(seed, BatchState.Leased);
            if (found) ok = _try(address(jm), abi.encodeCall(jm.abandon, (BatchRef.wrap(ref), bytes32("grief"))));
        } else {
            uint256 nJobs = w.jobCount();
            if (nJobs != 0) ok = _try(address(jm), abi.encodeCall(jm.cancel, (w.jobs()[seed % nJobs])));
        }
        vm.stopPrank();
        if (ok) {
            w.violation(3);
        } else {
            _discard();
            _count("unauthorized.refused");
        }
    }

    function _try(address target, bytes memory data) internal returns (bool ok) {
        (ok,) = target.call(data);
    }
}
