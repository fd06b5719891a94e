// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {HandlerBase} from "./HandlerBase.sol";
import {World} from "./World.sol";
import {IJobMarketTypes} from "../../src/interfaces/IJobMarket.sol";
import {MarketMath} from "../../src/libraries/MarketMath.sol";
import {BatchRef, BatchState} from "../../src/libraries/JobMarketTypes.sol";

/// @dev Auditors and committee members: take audit seats they are drawn for, commit their own unit root
/// (honest, or one time in five a wrong one), reveal after the primary, and sit on dispute committees.
contract AuditorHandler is HandlerBase {
    constructor(World world) HandlerBase(world) {}

    /// @dev Stores the draw of an audited batch if needed, then seats the first eligible node.
    function claimSeat(uint256 seed) external observed {
        uint256 n = w.refCount();
        if (n == 0) return;
        uint256 ref;
        bool found;
        for (uint256 k; k < n; ++k) {
            uint256 r = w.refAt(((seed >> 8) + k) % n);
            uint8 s = w.stateOf(r);
            if (s == uint8(BatchState.AuditSeated)) {
                (address holder, uint256 seatDeadline,,, bool committed,,) = jm.getAudit(BatchRef.wrap(r));
                if (committed || (holder != address(0) && block.timestamp <= seatDeadline)) continue;
                (ref, found) = (r, true);
                break;
            }
            if (s == uint8(BatchState.Committed)) {
                (bool ready, bool audited,,) = jm.auditDraw(BatchRef.wrap(r));
                IJobMarketTypes.BatchView memory b = _batch(r);
                if (!ready || !audited || b.flags & 2 != 0) continue;
                jm.drawAudit(BatchRef.wrap(r));
                _count("audit.drawn");
                _mine(2);
                (ref, found) = (r, true);
                break;
            }
        }
        if (!found) return;
        uint256 nodes = w.nodeCount();
        for (uint256 k; k < nodes; ++k) {
            address cand = w.nodeAt((seed >> 8) + k);
            if (!jm.seatEligibility(BatchRef.wrap(ref), cand)) continue;
            _flush();
            vm.prank(cand);
            try jm.claimAuditSeat(BatchRef.wrap(ref)) {
                _count("seat.claimed");
                // Most auditors commit right away; the others let their window pass and are replaced.
                if (seed % 3 != 0) _commitAudit(ref, seed);
            } catch {
                _discard();
                _count("seat.reverted");
            }
            return;
        }
        // Nobody drawn in this seat window: the next window draws again.
        _warp(w.config().marketParams().auditWindow);
        _count("seat.noneEligible");
    }

    /// @dev The holder of a live seat commits its unit root.
    function commitAudit(uint256 seed) external observed {
        uint256 n = w.refCount();
        for (uint256 k; k < n; ++k) {
            uint256 r = w.refAt(((seed >> 8) + k) % n);
            if (w.stateOf(r) != uint8(BatchState.AuditSeated)) continue;
            (address holder, uint256 seatDeadline,,, bool committed,,) = jm.getAudit(BatchRef.wrap(r));
            if (holder == address(0) || committed || block.timestamp > seatDeadline) continue;
            return _commitAudit(r, seed);
        }
        _count("auditCommit.noSeat");
    }

    function _commitAudit(uint256 ref, uint256 seed) internal {
        (address auditor,,, uint256 unitIndex,,,) = jm.getAudit(BatchRef.wrap(ref));
        uint256 attempt = w.attemptOf(ref);
        bool honest = seed % 5 != 0;
        bytes32 unitRoot = honest ? _unitRoot(ref, unitIndex) : _garbage(ref, attempt, auditor);
        w.setAuditorRoot(ref, attempt, unitRoot);
        bytes32 c = _commitment(ref, attempt, unitRoot, auditor);
        _flush();
        vm.prank(auditor);
        try jm.commitAudit(BatchRef.wrap(ref), c) {
            _count(honest ? bytes32("auditCommit.honest") : bytes32("auditCommit.wrong"));
        } catch {
            _discard();
            _count("auditCommit.reverted");
        }
        _mine(1);
    }

    function revealAudit(uint256 seed) external observed {
        uint256 n = w.refCount();
        for (uint256 k; k < n; ++k) {
            uint256 r = w.refAt(((seed >> 8) + k) % n);
            if (w.stateOf(r) != uint8(BatchState.Revealed)) continue;
            IJobMarketTypes.BatchView memory b = _batch(r);
            if (block.timestamp <= b.deadline) return _revealAudit(r, b);
        }
        _count("auditReveal.none");
    }

    function _revealAudit(uint256 ref, IJobMarketTypes.BatchView memory b) internal {
        (address auditor,,, uint256 unitIndex,,,) = jm.getAudit(BatchRef.wrap(ref));
        bytes32 unitRoot = w.auditorRoot(ref, b.attempt);
        bytes32[] memory proof =
            unitRoot == _unitRoot(ref, unitIndex) ? _proof(ref, b.units, unitIndex) : new bytes32[](0);
        _flush();
        vm.prank(auditor);
        try jm.revealAudit(BatchRef.wrap(ref), unitRoot, _salt(ref, b.attempt, auditor), proof) {
            _count("auditReveal.ok");
        } catch {
            _discard();
            _count("auditReveal.reverted");
        }
    }

    /// @dev The first eligible node not yet on the committee joins with its unit root (one in five wrong).
    function joinCommittee(uint256 seed) external observed {
        (uint256 ref, bool found) = _find(seed, BatchState.Disputed);
        if (!found) return;
        BatchRef r = BatchRef.wrap(ref);
        (, uint256 members, uint256 start,,,) = jm.getDispute(r);
        if (block.timestamp >= start + w.config().marketParams().committeeWindow) return _count("committee.closed");
        uint256 nodes = w.nodeCount();
        for (uint256 k; k < nodes; ++k) {
            address cand = w.nodeAt((seed >> 8) + k);
            if (!jm.committeeEligibility(r, cand) || _isMember(r, members, cand)) continue;
            _join(ref, cand, seed % 5 != 0);
            return;
        }
        _warp(5);
        _count("committee.noneEligible");
    }

    function _join(uint256 ref, address cand, bool honest) internal {
        (,,, uint256 unitIndex,,,) = jm.getAudit(BatchRef.wrap(ref));
        uint256 attempt = w.attemptOf(ref);
        bytes32 unitRoot = honest ? _unitRoot(ref, unitIndex) : _garbage(ref, attempt, cand);
        w.setMemberRoot(ref, attempt, cand, unitRoot);
        bytes32 c = _commitment(ref, attempt, unitRoot, cand);
        _flush();
        vm.prank(cand);
        try jm.joinCommittee(BatchRef.wrap(ref), c) {
            _count(honest ? bytes32("committee.honest") : bytes32("committee.wrong"));
        } catch {
            _discard();
            _count("committee.reverted");
        }
    }

    function _commitment(uint256 ref, uint256 attempt, bytes32 unitRoot, address who) internal pure returns (bytes32) {
        return MarketMath.commitment(ref >> 32, ref & type(uint32).max, attempt, unitRoot, _salt(ref, attempt, who), who);
    }

    /// @dev Committee members of one dispute reveal their votes.
    function revealVote(uint256 seed) external observed {
        uint256 n = w.refCount();
        for (uint256 k; k < n; ++k) {
            uint256 r = w.refAt(((seed >> 8) + k) % n);
            if (w.stateOf(r) != uint8(BatchState.Disputed)) continue;
            (, uint256 members,,,,) = jm.getDispute(BatchRef.wrap(r));
            if (members != 0) return _revealVotes(r);
        }
    }

    function _revealVotes(uint256 ref) internal {
        BatchRef r = BatchRef.wrap(ref);
        (, uint256 members,,,,) = jm.getDispute(r);
        uint256 attempt = w.attemptOf(ref);
        for (uint256 i; i < members; ++i) {
            (address node, bool revealed,) = jm.getMember(r, i);
            if (revealed) continue;
            bytes32 root = w.memberRoot(ref, attempt, node);
            _flush();
            vm.prank(node);
            try jm.revealVote(r, root, _salt(ref, attempt, node)) {
                _count("vote.revealed");
            } catch {
                _discard();
                _count("vote.reverted");
            }
        }
    }

    function _isMember(BatchRef r, uint256 members, address node) internal view returns (bool) {
        for (uint256 i; i < members; ++i) {
            (address m,,) = jm.getMember(r, i);
            if (m == node || registry.ownerOf(m) == registry.ownerOf(node)) return true;
        }
        return false;
    }
}
