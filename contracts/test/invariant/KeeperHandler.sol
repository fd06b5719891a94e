// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {HandlerBase} from "./HandlerBase.sol";
import {World} from "./World.sol";
import {IJobMarketTypes} from "../../src/interfaces/IJobMarket.sol";
import {INodeRegistry} from "../../src/interfaces/INodeRegistry.sol";
import {BatchRef, BatchState} from "../../src/libraries/JobMarketTypes.sol";

/// @dev Keepers: move time and blocks, and trigger every transition past a deadline (expire, forfeit,
/// draw, finalize, re-open stale chain links, close orphaned ones, resolve disputes), settle epochs and claim
/// rewards.
contract KeeperHandler is HandlerBase {
    constructor(World world) HandlerBase(world) {}

    function passTime(uint256 secs) external observed {
        _warp(bound(secs, 1, 45));
        _count("time.passed");
    }

    function mineBlocks(uint256 n) external observed {
        _mine(bound(n, 1, 4));
    }

    /// @dev Jumps past the 256-block window so pending audit seeds expire (forced audits); the last 256
    /// blocks get known hashes so the rolling lease seeds exist.
    function expireSeeds() external observed {
        vm.roll(block.number + 44);
        for (uint256 i; i < 256; ++i) {
            vm.setBlockhash(block.number, keccak256(abi.encode("block", block.number)));
            vm.roll(block.number + 1);
        }
        vm.warp(block.timestamp + 1);
        _count("time.seedsExpired");
    }

    function expire(uint256 seed) external observed {
        (uint256 ref, bool found) = _find(seed, BatchState.Leased);
        if (!found) return;
        IJobMarketTypes.BatchView memory b = _batch(ref);
        if (block.timestamp <= b.deadline) _warp(b.deadline + 1 - block.timestamp);
        jm.expire(BatchRef.wrap(ref));
        _count("expire.ok");
    }

    /// @dev Punishes a missing reveal (primary or auditor) once its deadline passed.
    function forfeit(uint256 seed) external observed {
        uint256 n = w.refCount();
        for (uint256 k; k < n; ++k) {
            uint256 r = w.refAt(((seed >> 8) + k) % n);
            uint8 s = w.stateOf(r);
            if (s < uint8(BatchState.Committed) || s > uint8(BatchState.Revealed)) continue;
            _flush();
            try jm.forfeit(BatchRef.wrap(r)) {
                _count("forfeit.ok");
                return;
            } catch {
                _discard();
            }
        }
        _count("forfeit.none");
    }

    function drawAudit(uint256 seed) external observed {
        (uint256 ref, bool found) = _find(seed, BatchState.Committed);
        if (!found) return;
        _flush();
        try jm.drawAudit(BatchRef.wrap(ref)) {
            _count("draw.ok");
        } catch {
            _discard();
            _count("draw.reverted");
        }
    }

    function finalize(uint256 seed) external observed {
        (uint256 ref, bool found) = _find(seed, BatchState.Verified);
        if (!found) return;
        _flush();
        try jm.finalize(BatchRef.wrap(ref)) {
            _count("finalize.ok");
        } catch {
            _discard();
            _count("finalize.waiting");
        }
    }

    function reopenStale(uint256 seed) external observed {
        uint256 n = w.refCount();
        for (uint256 k; k < n; ++k) {
            uint256 r = w.refAt(((seed >> 8) + k) % n);
            uint8 s = w.stateOf(r);
            if (s == uint8(BatchState.Open) || s >= uint8(BatchState.Accepted) || s == uint8(BatchState.Disputed)) continue;
            if (jm.getJob(r >> 32).chains == 0) continue;
            _flush();
            try jm.reopenStale(BatchRef.wrap(r)) {
                _count("reopenStale.ok");
                return;
            } catch {
                _discard();
            }
        }
    }

    /// @dev Closes a chained batch whose predecessor ended `Indeterminate` (one link per call, like a keeper
    /// walking the chain). Never reverts: the filter is the contract's own rule.
    function closeOrphan(uint256 seed) external observed {
        uint256 n = w.refCount();
        for (uint256 k; k < n; ++k) {
            uint256 r = w.refAt(((seed >> 8) + k) % n);
            uint256 chains = jm.getJob(r >> 32).chains;
            if (chains == 0 || (r & type(uint32).max) < chains) continue;
            BatchState s = _batch(r).state;
            if (s == BatchState.Disputed || s >= BatchState.Accepted) continue;
            if (_batch(r - chains).state != BatchState.Indeterminate) continue;
            jm.closeOrphan(BatchRef.wrap(r));
            _count("closeOrphan.ok");
            return;
        }
        _count("closeOrphan.none");
    }

    function resolveDispute(uint256 seed) external observed {
        (uint256 ref, bool found) = _find(seed, BatchState.Disputed);
        if (!found) return;
        _flush();
        try jm.resolveDispute(BatchRef.wrap(ref)) {
            _count("resolve.ok");
        } catch {
            _discard();
            _warp(w.config().marketParams().committeeWindow);
            _count("resolve.early");
        }
    }

    function settleEpoch(uint256 epochs) external observed {
        vm.warp(block.timestamp + bound(epochs, 0, 1) * rewards.epochLength());
        _mine(1);
        rewards.advanceEpoch();
        _count("epoch.settled");
    }

    /// @dev The owner claims every settled, unclaimed epoch its node worked in, in one call.
    function claim(uint256 seed) external observed {
        address node = w.nodeAt(seed);
        uint256[] memory all = w.workEpochs(node);
        uint256 current = rewards.currentEpoch();
        uint256[] memory list = new uint256[](all.length);
        uint256 m;
        for (uint256 i; i < all.length; ++i) {
            (, bool claimed) = rewards.nodeEpochWeight(all[i], node);
            if (!claimed && all[i] < current) list[m++] = all[i];
        }
        if (m == 0) return _count("claim.nothing");
        assembly ("memory-safe") {
            mstore(list, m)
        }
        vm.prank(registry.ownerOf(node));
        rewards.claimRewards(node, list);
        _count("claim.ok");
    }

    function unjail(uint256 seed) external observed {
        address node = w.nodeAt(seed);
        INodeRegistry.NodeView memory v = registry.getNode(node);
        if (!v.jailed) return;
        if (rewards.currentEpoch() < v.jailedUntilEpoch) return _count("unjail.early");
        vm.prank(v.owner);
        registry.unjail(node);
        _count("unjail.ok");
    }

    /// @dev The treasury and the keeper itself (paid for reporting withheld reveals) pull their credits.
    function withdrawFees() external observed {
        address t = w.treasury();
        if (jm.creditOf(t) != 0) {
            vm.prank(t);
            jm.withdraw();
            _count("treasury.withdrew");
        }
        if (jm.creditOf(address(this)) != 0) {
            jm.withdraw();
            _count("keeper.withdrew");
        }
    }
}
