// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Test} from "../utils/Test.sol";
import {Vm} from "../utils/Vm.sol";
import {World} from "./World.sol";
import {MAIToken} from "../../src/MAIToken.sol";
import {NodeRegistry} from "../../src/NodeRegistry.sol";
import {RewardEngine} from "../../src/RewardEngine.sol";
import {JobMarket} from "../../src/JobMarket.sol";
import {IJobMarket, IJobMarketTypes} from "../../src/interfaces/IJobMarket.sol";
import {INodeRegistry} from "../../src/interfaces/INodeRegistry.sol";
import {IRewardEngine} from "../../src/interfaces/IRewardEngine.sol";
import {IProtocolConfig} from "../../src/interfaces/IProtocolConfig.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {BatchRef, BatchRefLib, BatchState} from "../../src/libraries/JobMarketTypes.sol";

/// @dev What every actor handler shares: the protocol, the world's ghosts, block production with known
/// hashes, the honest results of every batch (unit roots and their index-bound Merkle tree), and the
/// bookkeeping wrapper `observed` that turns the events of each action into ghost totals and re-reads the
/// heads of the batches the action touched.
abstract contract HandlerBase is Test {
    World internal immutable w;
    MAIToken internal immutable token;
    NodeRegistry internal immutable registry;
    RewardEngine internal immutable rewards;
    JobMarket internal immutable jm;

    uint256 internal constant MAX_GROUP = 8;

    constructor(World world) {
        w = world;
        token = world.token();
        registry = world.registry();
        rewards = world.rewards();
        jm = world.jm();
    }

    /// @dev Records the logs of the action, books them, and syncs the mirror of every batch they name.
    modifier observed() {
        vm.recordLogs();
        _;
        _book(vm.getRecordedLogs());
    }

    /// @dev Books the logs recorded so far (call before an action that may revert).
    function _flush() internal {
        _book(vm.getRecordedLogs());
    }

    /// @dev Drops the logs of a reverted action: forge records the events of reverted frames too.
    function _discard() internal {
        vm.getRecordedLogs();
    }

    // ---------------------------------------------------------------- chain

    /// @dev Mines `n` blocks, one second each, each with a known non-zero hash (the seeds the market reads).
    function _mine(uint256 n) internal {
        for (uint256 i; i < n; ++i) {
            vm.setBlockhash(block.number, keccak256(abi.encode("block", block.number)));
            vm.roll(block.number + 1);
            vm.warp(block.timestamp + 1);
        }
    }

    function _warp(uint256 secs) internal {
        vm.warp(block.timestamp + secs);
        _mine(1);
    }

    // ---------------------------------------------------------------- honest results

    function _unitRoot(uint256 ref, uint256 unit) internal pure returns (bytes32) {
        return keccak256(abi.encode("unit", ref, unit));
    }

    function _garbage(uint256 ref, uint256 attempt, address who) internal pure returns (bytes32) {
        return keccak256(abi.encode("garbage", ref, attempt, who));
    }

    function _salt(uint256 ref, uint256 attempt, address who) internal pure returns (bytes32) {
        return keccak256(abi.encode("salt", ref, attempt, who));
    }

    function _level(uint256 ref, uint256 units) private pure returns (bytes32[] memory level) {
        uint256 size = 1;
        while (size < units) size *= 2;
        level = new bytes32[](size);
        for (uint256 i; i < units; ++i) {
            level[i] = keccak256(abi.encodePacked(bytes1(0x00), i, _unitRoot(ref, i)));
        }
    }

    function _up(bytes32[] memory level) private pure returns (bytes32[] memory next) {
        next = new bytes32[](level.length / 2);
        for (uint256 j; j < next.length; ++j) {
            next[j] = keccak256(abi.encodePacked(bytes1(0x01), level[2 * j], level[2 * j + 1]));
        }
    }

    /// @dev The honest result root of a batch of `units` units.
    function _honestRoot(uint256 ref, uint256 units) internal pure returns (bytes32) {
        bytes32[] memory level = _level(ref, units);
        while (level.length > 1) level = _up(level);
        return level[0];
    }

    /// @dev Proof of unit `index` in the honest tree.
    function _proof(uint256 ref, uint256 units, uint256 index) internal pure returns (bytes32[] memory proof) {
        bytes32[] memory level = _level(ref, units);
        uint256 depth;
        for (uint256 s = level.length; s > 1; s /= 2) ++depth;
        proof = new bytes32[](depth);
        for (uint256 d; d < depth; ++d) {
            proof[d] = level[index ^ 1];
            level = _up(level);
            index >>= 1;
        }
    }

    // ---------------------------------------------------------------- reads

    function _batch(uint256 ref) internal view returns (IJobMarketTypes.BatchView memory) {
        return jm.getBatch(BatchRef.wrap(ref));
    }

    function _job(uint256 ref) internal view returns (IJobMarketTypes.JobView memory) {
        return jm.getJob(ref >> 32);
    }

    /// @dev First known batch, from a seeded offset, whose mirrored state is `state`; 0 if none.
    function _find(uint256 seed, BatchState state) internal view returns (uint256 ref, bool found) {
        uint256 n = w.refCount();
        if (n == 0) return (0, false);
        uint256 start = seed % n;
        for (uint256 k; k < n; ++k) {
            uint256 r = w.refAt((start + k) % n);
            if (w.stateOf(r) == uint8(state)) return (r, true);
        }
        return (0, false);
    }

    function _refs1(uint256 ref) internal pure returns (BatchRef[] memory r) {
        r = new BatchRef[](1);
        r[0] = BatchRef.wrap(ref);
    }

    function _one(bytes32 x) internal pure returns (bytes32[] memory r) {
        r = new bytes32[](1);
        r[0] = x;
    }

    function _count(bytes32 name) internal {
        w.count(name);
    }

    /// @dev Re-reads a batch head into the mirror (the world counts regressions).
    function _sync(uint256 ref) internal {
        IJobMarketTypes.BatchView memory v = _batch(ref);
        w.observe(ref, uint8(v.state), v.attempt);
    }

    function _syncJob(uint256 jobId) internal {
        uint256 n = w.batchesOf(jobId);
        for (uint256 i; i < n; ++i) {
            _sync((jobId << 32) | i);
        }
    }

    // ---------------------------------------------------------------- event booking

    function _book(Vm.Log[] memory logs) internal {
        address tokenAddr = address(token);
        address registryAddr = address(registry);
        address rewardsAddr = address(rewards);
        address marketAddr = address(jm);
        for (uint256 i; i < logs.length; ++i) {
            Vm.Log memory l = logs[i];
            if (l.topics.length == 0) continue;
            bytes32 t0 = l.topics[0];
            if (l.emitter == tokenAddr) {
                if (t0 == IERC20.Transfer.selector) {
                    w.noteTransfer(
                        address(uint160(uint256(l.topics[1]))),
                        address(uint160(uint256(l.topics[2]))),
                        abi.decode(l.data, (uint256))
                    );
                }
            } else if (l.emitter == registryAddr) {
                if (t0 == INodeRegistry.Slashed.selector) {
                    (, uint256 taken) = abi.decode(l.data, (uint256, uint256));
                    w.noteSlashTaken(taken);
                }
            } else if (l.emitter == rewardsAddr) {
                if (t0 == IRewardEngine.WorkAccrued.selector) {
                    (uint256 cu, uint256 weight,) = abi.decode(l.data, (uint256, uint256, uint256));
                    cu;
                    w.noteAccrued(uint256(l.topics[1]), address(uint160(uint256(l.topics[2]))), weight);
                } else if (t0 == IRewardEngine.RewardsClaimed.selector) {
                    w.noteClaim(
                        address(uint160(uint256(l.topics[1]))), uint256(l.topics[3]), abi.decode(l.data, (uint256))
                    );
                }
            } else if (l.emitter == marketAddr) {
                _bookMarket(l, t0);
            }
        }
    }

    function _bookMarket(Vm.Log memory l, bytes32 t0) private {
        if (t0 == IJobMarketTypes.BatchAccepted.selector) {
            (,, uint256 cu) = abi.decode(l.data, (uint256, uint256, uint256));
            w.noteAccepted(uint256(l.topics[1]), cu);
        } else if (t0 == IJobMarketTypes.RevealWithheld.selector) {
            w.noteSlashReported(abi.decode(l.data, (uint256)));
        } else if (t0 == IJobMarketTypes.DisputeResolved.selector) {
            (, uint256 slashed,) = abi.decode(l.data, (uint8, uint256, uint256));
            w.noteSlashReported(slashed);
            w.noteDispute(false);
        } else if (t0 == IJobMarketTypes.DisputeOpened.selector) {
            w.noteDispute(true);
        } else if (t0 == IJobMarketTypes.AuditDrawn.selector) {
            (, bool audited, bool forced) = abi.decode(l.data, (uint256, bool, bool));
            w.noteAuditDrawn(audited, forced);
        } else if (t0 == IJobMarketTypes.BatchReopened.selector) {
            w.noteReopened();
        } else if (t0 == IJobMarketTypes.BatchAbandoned.selector) {
            w.noteAbandoned(uint256(l.topics[1]) >> 32, registry.ownerOf(address(uint160(uint256(l.topics[2])))));
        } else if (t0 == IJobMarketTypes.JobFrozen.selector) {
            (uint256 abandoners,) = abi.decode(l.data, (uint256, uint256));
            w.noteFrozen(uint256(l.topics[1]), abandoners);
        }
        if (l.topics.length > 1) {
            uint256 key = uint256(l.topics[1]);
            if (w.isRef(key)) _sync(key);
            else if (key < (1 << 32) && w.batchesOf(key) != 0) _syncJob(key);
        }
    }
}
