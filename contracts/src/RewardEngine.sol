// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IRewardEngine} from "./interfaces/IRewardEngine.sol";
import {INodeRegistry} from "./interfaces/INodeRegistry.sol";
import {IProtocolConfig} from "./interfaces/IProtocolConfig.sol";
import {IMAIToken} from "./interfaces/IMAIToken.sol";
import {Emission} from "./libraries/Emission.sol";
import {RewardWeight} from "./libraries/RewardWeight.sol";

/// @title RewardEngine
/// @notice Epoch clock, per-epoch verified-work accounting and the emission of the mining pool.
/// @dev Place in the system: the JobMarket calls `accrue` when work is accepted; nodes call `claimRewards`.
/// Invariants: (1) `totalScheduled <= pool` (each settlement is capped by what the pool has left);
/// (2) for each epoch Σ claimed <= minted(e) (floor division per node); (3) `totalClaimed <= totalScheduled`.
/// Only one epoch is ever open: the first call in a later epoch settles it, and every epoch in between had
/// no work (any accrue would have settled earlier), so skipping them is O(1): theta does not move and
/// nothing is scheduled for them. Emission not unlocked stays in the pool for later epochs.
/// Reward parameters are read from the config once per settlement: `stakeRef` is snapshotted for the
/// new open epoch (so `accrue` needs no config call), and emission figures use the values at settlement.
/// The effective time used for the difficulty is capped at 128 doublings (`MAX_DOUBLINGS`) so the baseline
/// `D0 * 2^(theta/G)` can never overflow and settlement can never revert; by then the baseline part of
/// the schedule has long decayed to nothing.
contract RewardEngine is IRewardEngine {
    uint256 private constant WAD = 1e18;
    uint256 private constant MAX_DOUBLINGS = 128;
    uint256 private constant CLAIMED = 1 << 255;

    struct EpochRecord {
        uint128 work;
        uint128 minted;
    }

    IMAIToken private immutable _token;
    INodeRegistry private immutable _registry;
    IProtocolConfig private immutable _config;
    address private immutable _wirer;
    uint256 private immutable _pool;
    /// @inheritdoc IRewardEngine
    uint256 public immutable genesis;
    /// @inheritdoc IRewardEngine
    uint256 public immutable epochLength;

    // slot 0: the market and the open epoch, both read by every `accrue`
    address private _market;
    uint64 private _openEpoch;
    // slot 1: theta (WAD; at most 128 * G * 1e18 + 1e18 < 2^128 for G <= 1e7) and the stakeRef snapshot
    uint128 private _theta;
    uint128 private _stakeRef;
    // one slot
    uint128 private _totalScheduled;
    uint128 private _totalClaimed;
    mapping(uint256 epoch => EpochRecord) private _epochs;
    /// @dev Bit 255 marks "claimed"; the low bits hold the node's weight in the epoch.
    mapping(uint256 epoch => mapping(address node => uint256)) private _nodeWeights;

    /// @param token The MAI token; this engine must be its minter.
    /// @param registry The node registry (owners, reputation, stake, jail).
    /// @param config The protocol configuration (emission parameters, stakeRef).
    /// @param genesis_ Unix time at which epoch 0 starts (not in the future).
    /// @param epochLength_ Seconds per epoch (fixed: changing it would renumber past epochs).
    constructor(
        IMAIToken token,
        INodeRegistry registry,
        IProtocolConfig config,
        uint256 genesis_,
        uint256 epochLength_
    ) {
        if (address(token) == address(0) || address(registry) == address(0) || address(config) == address(0)) {
            revert ZeroAddress();
        }
        if (epochLength_ == 0) revert ZeroEpochLength();
        if (genesis_ > block.timestamp) revert GenesisInFuture(genesis_, block.timestamp);
        _token = token;
        _registry = registry;
        _config = config;
        _wirer = msg.sender;
        _pool = token.miningPool();
        genesis = genesis_;
        epochLength = epochLength_;
        _openEpoch = SafeCast.toUint64((block.timestamp - genesis_) / epochLength_);
        _stakeRef = config.rewardParams().stakeRef;
    }

    // ---------------------------------------------------------------- mutating

    /// @inheritdoc IRewardEngine
    function wire(address market_) external {
        if (msg.sender != _wirer) revert NotWirer(msg.sender);
        if (_market != address(0)) revert AlreadyWired();
        if (market_ == address(0)) revert ZeroAddress();
        _market = market_;
        emit Wired(market_);
    }

    /// @inheritdoc IRewardEngine
    function accrue(address node, uint256 cu) external {
        if (msg.sender != _market) revert NotMarket(msg.sender);
        uint256 epoch = _settle();
        if (cu == 0) return;
        (bool eligible, uint16 rep, uint256 bonded) = _registry.rewardInputs(node);
        if (!eligible) return;
        uint256 w = RewardWeight.weight(cu, rep, bonded, _stakeRef);
        if (w == 0) return;
        EpochRecord storage rec = _epochs[epoch];
        uint256 work = rec.work + w;
        rec.work = SafeCast.toUint128(work);
        // The node's weight is at most the epoch's work, which fits 128 bits, so it never reaches bit 255.
        unchecked {
            _nodeWeights[epoch][node] += w;
        }
        emit WorkAccrued(epoch, node, cu, w, work);
    }

    /// @inheritdoc IRewardEngine
    function advanceEpoch() external {
        _settle();
    }

    // forge-lint: disable-next-item(unsafe-typecast)
    /// @inheritdoc IRewardEngine
    function claimRewards(address node, uint256[] calldata epochs) external returns (uint256 paid) {
        address owner = _registry.ownerOf(node);
        if (owner == address(0)) revert UnknownNode(node);
        if (msg.sender != node && msg.sender != owner) revert NotNodeOrOwner(node, msg.sender);
        uint256 open = _settle();
        for (uint256 i; i < epochs.length; ++i) {
            uint256 e = epochs[i];
            if (e >= open) revert EpochNotSettled(e);
            uint256 packed = _nodeWeights[e][node];
            if (packed & CLAIMED != 0) revert AlreadyClaimed(node, e);
            uint256 amount;
            if (packed != 0) {
                _nodeWeights[e][node] = packed | CLAIMED;
                EpochRecord memory rec = _epochs[e];
                // w <= W(e), so amount <= minted(e); rounding down keeps Σ paid <= minted(e).
                amount = Math.mulDiv(rec.minted, packed, rec.work);
                paid += amount;
            }
            emit RewardsClaimed(node, owner, e, amount);
        }
        if (paid != 0) {
            // paid <= Σ minted of unclaimed shares <= totalScheduled - totalClaimed < 2^128.
            unchecked {
                _totalClaimed += uint128(paid);
            }
            _token.mint(owner, paid);
        }
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IRewardEngine
    function currentEpoch() public view returns (uint256) {
        return (block.timestamp - genesis) / epochLength;
    }

    /// @inheritdoc IRewardEngine
    function openEpoch() external view returns (uint256) {
        return _openEpoch;
    }

    /// @inheritdoc IRewardEngine
    function isSettled(uint256 epoch) external view returns (bool) {
        return epoch < currentEpoch();
    }

    /// @inheritdoc IRewardEngine
    function epochInfo(uint256 epoch) external view returns (uint256 work, uint256 minted) {
        EpochRecord memory rec = _epochs[epoch];
        return (rec.work, rec.minted);
    }

    /// @inheritdoc IRewardEngine
    function nodeEpochWeight(uint256 epoch, address node) external view returns (uint256 weight, bool claimed) {
        uint256 packed = _nodeWeights[epoch][node];
        return (packed & ~CLAIMED, packed & CLAIMED != 0);
    }

    /// @inheritdoc IRewardEngine
    /// @dev Reads stored figures: an epoch awaiting its lazy settlement shows 0 until someone settles it.
    function pendingReward(address node, uint256 epoch) external view returns (uint256) {
        uint256 packed = _nodeWeights[epoch][node];
        if (packed == 0 || packed & CLAIMED != 0 || epoch >= _openEpoch) return 0;
        EpochRecord memory rec = _epochs[epoch];
        return Math.mulDiv(rec.minted, packed, rec.work);
    }

    /// @inheritdoc IRewardEngine
    function theta() external view returns (uint256) {
        return _theta;
    }

    /// @inheritdoc IRewardEngine
    function difficulty() external view returns (uint256) {
        Emission.Params memory p = _emissionParams(_config.rewardParams());
        return Emission.baseline(p, _cappedTheta(_theta, p.doublingEpochs));
    }

    /// @inheritdoc IRewardEngine
    function stakeRef() external view returns (uint256) {
        return _stakeRef;
    }

    /// @inheritdoc IRewardEngine
    function totalScheduled() external view returns (uint256) {
        return _totalScheduled;
    }

    /// @inheritdoc IRewardEngine
    function totalClaimed() external view returns (uint256) {
        return _totalClaimed;
    }

    /// @inheritdoc IRewardEngine
    function market() external view returns (address) {
        return _market;
    }

    // ---------------------------------------------------------------- internal

    // forge-lint: disable-next-item(unsafe-typecast)
    /// @dev Settles the open epoch if the clock moved past it; returns the (new) open epoch.
    function _settle() private returns (uint256 current) {
        current = currentEpoch();
        uint256 open = _openEpoch;
        if (current == open) return current;
        uint256 work = _epochs[open].work;
        uint256 minted;
        uint256 thetaAfter = _theta;
        uint256 difficultyBefore;
        IProtocolConfig.RewardParams memory r = _config.rewardParams();
        if (work != 0) {
            Emission.Params memory p = _emissionParams(r);
            uint256 thetaBefore = _cappedTheta(thetaAfter, p.doublingEpochs);
            difficultyBefore = Emission.baseline(p, thetaBefore);
            (minted, thetaAfter) = Emission.epochEmission(p, open, thetaBefore, work);
            uint256 scheduled = _totalScheduled;
            uint256 left = _pool - scheduled;
            if (minted > left) minted = left;
            // minted <= e0 < 2^128 and scheduled + minted <= pool < 2^128.
            _epochs[open].minted = uint128(minted);
            _totalScheduled = uint128(scheduled + minted);
        }
        // One slot write: theta (unchanged for an empty epoch) and the stakeRef the new epoch weighs work with.
        _theta = uint128(thetaAfter);
        _stakeRef = r.stakeRef;
        _openEpoch = SafeCast.toUint64(current);
        emit EpochSettled(open, work, minted, thetaAfter, difficultyBefore);
    }

    function _cappedTheta(uint256 thetaWad, uint256 doublingEpochs) private pure returns (uint256) {
        uint256 cap = MAX_DOUBLINGS * doublingEpochs * WAD;
        return thetaWad > cap ? cap : thetaWad;
    }

    function _emissionParams(IProtocolConfig.RewardParams memory r) private pure returns (Emission.Params memory) {
        return Emission.Params({
            e0: r.e0, alphaWad: r.alphaWad, halfLifeEpochs: r.halfLifeEpochs, d0: r.d0, doublingEpochs: r.doublingEpochs
        });
    }
}
