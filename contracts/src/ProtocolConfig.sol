// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IProtocolConfig, ConfigKeys} from "./interfaces/IProtocolConfig.sol";

/// @title ProtocolConfig
/// @notice The single home of every protocol parameter, with hard bounds, timelocked updates and a guardian pause.
/// @dev Invariant: every stored value lies within its bounds and every related pair is consistent
/// (repJail < repStart, pMinBps <= pMaxBps, minLeaseDuration <= maxLeaseDuration,
/// e0 * halfLifeEpochs <= emissionBudget * ln 2). The three groups are stored packed exactly as their
/// structs, so each consumer reads its whole group with one call and a few SLOADs.
/// `governance` is a TimelockController: proposals wait its delay, so node operators see every change
/// coming. The emission budget check keeps the undiscounted schedule E0 * H / ln 2 within the mining pool;
/// the token's pool cap and the RewardEngine's scheduling cap bound whatever rounding remains, so no
/// change of H, alpha, D0 or G can raise total emission above the pool.
contract ProtocolConfig is IProtocolConfig {
    /// @dev ln 2 in WAD, rounded down (budget check rounds toward the protocol).
    uint256 private constant LN2_WAD = 693147180559945309;
    uint256 private constant WAD = 1e18;
    uint256 private constant BPS = 10_000;

    /// @inheritdoc IProtocolConfig
    address public immutable governance;
    /// @notice Upper bound of the undiscounted emission schedule (the token's mining pool, MAI wei).
    uint256 public immutable emissionBudget;

    address private _guardian;
    address private _treasury;
    bool private _paused;

    RegistryParams private _registry;
    MarketParams private _market;
    RewardParams private _reward;

    /// @param governance_ The TimelockController allowed to update parameters.
    /// @param guardian_ The address allowed to pause.
    /// @param treasury_ Receiver of the non-burned protocol fee share.
    /// @param emissionBudget_ The mining pool size (MAI wei); bounds e0 * H.
    /// @param devnet Short windows, committee of 1, short unbonding and half-life (devnets and tests).
    constructor(address governance_, address guardian_, address treasury_, uint256 emissionBudget_, bool devnet) {
        if (governance_ == address(0) || guardian_ == address(0) || treasury_ == address(0)) revert ZeroAddress();
        governance = governance_;
        emissionBudget = emissionBudget_;
        _guardian = guardian_;
        _treasury = treasury_;
        if (devnet) {
            _registry = RegistryParams({
                minStakeCPU: 100e18,
                minStakeEdge: 200e18,
                minStakeServer: 500e18,
                minStakeGPU: 1_000e18,
                unbondingPeriod: 60,
                repStart: 2_000,
                repJail: 1_000,
                jailEpochs: 2
            });
            _market = MarketParams({
                sortitionK: 3,
                committeeSize: 1,
                maxAbandons: 3,
                maxBatchSize: 64,
                widenPeriod: 10,
                maxLeaseDuration: 600,
                minLeaseDuration: 10,
                auditWindow: 30,
                revealWindow: 30,
                committeeWindow: 30,
                pMinBps: 500,
                pMaxBps: 5_000,
                slashBps: 1_000,
                protocolFeeBps: 200,
                feeBurnBps: 5_000,
                cancelFeeBps: 100,
                minPricePerCU: 1e9,
                minEscrow: 1e15,
                challengeBond: 1e18,
                minRequesterBond: 1e17
            });
            _reward = RewardParams({
                e0: 1_000e18, alphaWad: 3e17, halfLifeEpochs: 100, doublingEpochs: 100, d0: 1_000e18, stakeRef: 1_000e18
            });
        } else {
            _registry = RegistryParams({
                minStakeCPU: 1_000e18,
                minStakeEdge: 2_000e18,
                minStakeServer: 5_000e18,
                minStakeGPU: 10_000e18,
                unbondingPeriod: 7 days,
                repStart: 2_000,
                repJail: 1_000,
                jailEpochs: 24
            });
            _market = MarketParams({
                sortitionK: 3,
                committeeSize: 3,
                maxAbandons: 3,
                maxBatchSize: 32,
                widenPeriod: 10 minutes,
                maxLeaseDuration: 6 hours,
                minLeaseDuration: 5 minutes,
                auditWindow: 30 minutes,
                revealWindow: 30 minutes,
                committeeWindow: 1 hours,
                pMinBps: 500,
                pMaxBps: 5_000,
                slashBps: 1_000,
                protocolFeeBps: 200,
                feeBurnBps: 5_000,
                cancelFeeBps: 100,
                minPricePerCU: 1e12,
                minEscrow: 1e18,
                challengeBond: 10e18,
                minRequesterBond: 1e18
            });
            // About 4 years of hourly epochs; e0 * H / ln 2 = 556M MAI, within a 600M pool.
            _reward = RewardParams({
                e0: 11_000e18,
                alphaWad: 3e17,
                halfLifeEpochs: 35_040,
                doublingEpochs: 8_760,
                d0: 10_000_000e18,
                stakeRef: 10_000e18
            });
        }
        _checkEmissionBudget(ConfigKeys.E0, _reward.e0, _reward.e0, _reward.halfLifeEpochs);
    }

    modifier onlyGovernance() {
        if (msg.sender != governance) revert NotGovernance(msg.sender);
        _;
    }

    modifier onlyGuardian() {
        if (msg.sender != _guardian && msg.sender != governance) revert NotGuardian(msg.sender);
        _;
    }

    // ---------------------------------------------------------------- mutating

    /// @inheritdoc IProtocolConfig
    function setParameter(bytes32 key, uint256 value) external onlyGovernance {
        (uint256 min, uint256 max) = _bounds(key);
        if (value < min || value > max) revert ParameterOutOfBounds(key, value, min, max);
        uint256 old = _read(key);
        _write(key, value);
        _checkConsistency(key, value);
        emit ParameterUpdated(key, old, value);
    }

    /// @inheritdoc IProtocolConfig
    function setTreasury(address newTreasury) external onlyGovernance {
        if (newTreasury == address(0)) revert ZeroAddress();
        emit TreasuryUpdated(_treasury, newTreasury);
        _treasury = newTreasury;
    }

    /// @inheritdoc IProtocolConfig
    function setGuardian(address newGuardian) external onlyGovernance {
        if (newGuardian == address(0)) revert ZeroAddress();
        emit GuardianUpdated(_guardian, newGuardian);
        _guardian = newGuardian;
    }

    /// @inheritdoc IProtocolConfig
    function pause() external onlyGuardian {
        if (_paused) revert PauseStateUnchanged(true);
        _paused = true;
        emit Paused(msg.sender);
    }

    /// @inheritdoc IProtocolConfig
    function unpause() external onlyGuardian {
        if (!_paused) revert PauseStateUnchanged(false);
        _paused = false;
        emit Unpaused(msg.sender);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IProtocolConfig
    function paused() external view returns (bool) {
        return _paused;
    }

    /// @inheritdoc IProtocolConfig
    function getParameter(bytes32 key) external view returns (uint256) {
        _bounds(key); // reverts UnknownParameter
        return _read(key);
    }

    /// @inheritdoc IProtocolConfig
    function bounds(bytes32 key) external pure returns (uint256 min, uint256 max) {
        return _bounds(key);
    }

    /// @inheritdoc IProtocolConfig
    function registryParams() external view returns (RegistryParams memory) {
        return _registry;
    }

    /// @inheritdoc IProtocolConfig
    function marketParams() external view returns (MarketParams memory) {
        return _market;
    }

    /// @inheritdoc IProtocolConfig
    function rewardParams() external view returns (RewardParams memory) {
        return _reward;
    }

    /// @inheritdoc IProtocolConfig
    function treasury() external view returns (address) {
        return _treasury;
    }

    /// @inheritdoc IProtocolConfig
    function guardian() external view returns (address) {
        return _guardian;
    }

    // ---------------------------------------------------------------- internal

    /// @dev Hard bounds per key. Each maximum also fits the field's storage type, so `_write` never truncates.
    function _bounds(bytes32 key) private pure returns (uint256 min, uint256 max) {
        // registry
        if (
            key == ConfigKeys.MIN_STAKE_CPU || key == ConfigKeys.MIN_STAKE_EDGE || key == ConfigKeys.MIN_STAKE_SERVER
                || key == ConfigKeys.MIN_STAKE_GPU
        ) return (1e18, 10_000_000e18);
        if (key == ConfigKeys.UNBONDING_PERIOD) return (1, 90 days);
        if (key == ConfigKeys.REP_START) return (1, BPS);
        if (key == ConfigKeys.REP_JAIL) return (0, BPS - 1);
        if (key == ConfigKeys.JAIL_EPOCHS) return (1, 10_000);
        // market
        if (key == ConfigKeys.SORTITION_K) return (1, 64);
        if (key == ConfigKeys.COMMITTEE_SIZE) return (1, 15);
        if (key == ConfigKeys.MAX_ABANDONS) return (1, 32);
        if (key == ConfigKeys.MAX_BATCH_SIZE) return (1, 1_024);
        if (key == ConfigKeys.WIDEN_PERIOD) return (1, 1 days);
        if (key == ConfigKeys.MAX_LEASE_DURATION) return (1, 7 days);
        if (key == ConfigKeys.MIN_LEASE_DURATION) return (1, 1 days);
        if (key == ConfigKeys.AUDIT_WINDOW || key == ConfigKeys.REVEAL_WINDOW || key == ConfigKeys.COMMITTEE_WINDOW) {
            return (1, 1 days);
        }
        if (key == ConfigKeys.P_MIN_BPS || key == ConfigKeys.P_MAX_BPS) return (0, BPS);
        if (key == ConfigKeys.SLASH_BPS) return (100, BPS);
        if (key == ConfigKeys.PROTOCOL_FEE_BPS) return (0, 1_000);
        if (key == ConfigKeys.FEE_BURN_BPS) return (0, BPS);
        if (key == ConfigKeys.CANCEL_FEE_BPS) return (0, 1_000);
        if (key == ConfigKeys.MIN_PRICE_PER_CU) return (1, 1e24);
        if (key == ConfigKeys.MIN_ESCROW) return (1, 1e24);
        if (key == ConfigKeys.CHALLENGE_BOND) return (0, 1e24);
        if (key == ConfigKeys.MIN_REQUESTER_BOND) return (0, 1e24);
        // reward
        if (key == ConfigKeys.E0) return (0, 1_000_000e18);
        if (key == ConfigKeys.ALPHA_WAD) return (0, WAD);
        if (key == ConfigKeys.HALF_LIFE_EPOCHS) return (1, 10_000_000);
        if (key == ConfigKeys.DOUBLING_EPOCHS) return (1, 10_000_000);
        if (key == ConfigKeys.D0) return (0, 1e36);
        if (key == ConfigKeys.STAKE_REF) return (0, 1e27);
        revert UnknownParameter(key);
    }

    function _read(bytes32 key) private view returns (uint256) {
        if (key == ConfigKeys.MIN_STAKE_CPU) return _registry.minStakeCPU;
        if (key == ConfigKeys.MIN_STAKE_EDGE) return _registry.minStakeEdge;
        if (key == ConfigKeys.MIN_STAKE_SERVER) return _registry.minStakeServer;
        if (key == ConfigKeys.MIN_STAKE_GPU) return _registry.minStakeGPU;
        if (key == ConfigKeys.UNBONDING_PERIOD) return _registry.unbondingPeriod;
        if (key == ConfigKeys.REP_START) return _registry.repStart;
        if (key == ConfigKeys.REP_JAIL) return _registry.repJail;
        if (key == ConfigKeys.JAIL_EPOCHS) return _registry.jailEpochs;
        if (key == ConfigKeys.SORTITION_K) return _market.sortitionK;
        if (key == ConfigKeys.COMMITTEE_SIZE) return _market.committeeSize;
        if (key == ConfigKeys.MAX_ABANDONS) return _market.maxAbandons;
        if (key == ConfigKeys.MAX_BATCH_SIZE) return _market.maxBatchSize;
        if (key == ConfigKeys.WIDEN_PERIOD) return _market.widenPeriod;
        if (key == ConfigKeys.MAX_LEASE_DURATION) return _market.maxLeaseDuration;
        if (key == ConfigKeys.MIN_LEASE_DURATION) return _market.minLeaseDuration;
        if (key == ConfigKeys.AUDIT_WINDOW) return _market.auditWindow;
        if (key == ConfigKeys.REVEAL_WINDOW) return _market.revealWindow;
        if (key == ConfigKeys.COMMITTEE_WINDOW) return _market.committeeWindow;
        if (key == ConfigKeys.P_MIN_BPS) return _market.pMinBps;
        if (key == ConfigKeys.P_MAX_BPS) return _market.pMaxBps;
        if (key == ConfigKeys.SLASH_BPS) return _market.slashBps;
        if (key == ConfigKeys.PROTOCOL_FEE_BPS) return _market.protocolFeeBps;
        if (key == ConfigKeys.FEE_BURN_BPS) return _market.feeBurnBps;
        if (key == ConfigKeys.CANCEL_FEE_BPS) return _market.cancelFeeBps;
        if (key == ConfigKeys.MIN_PRICE_PER_CU) return _market.minPricePerCU;
        if (key == ConfigKeys.MIN_ESCROW) return _market.minEscrow;
        if (key == ConfigKeys.CHALLENGE_BOND) return _market.challengeBond;
        if (key == ConfigKeys.MIN_REQUESTER_BOND) return _market.minRequesterBond;
        if (key == ConfigKeys.E0) return _reward.e0;
        if (key == ConfigKeys.ALPHA_WAD) return _reward.alphaWad;
        if (key == ConfigKeys.HALF_LIFE_EPOCHS) return _reward.halfLifeEpochs;
        if (key == ConfigKeys.DOUBLING_EPOCHS) return _reward.doublingEpochs;
        if (key == ConfigKeys.D0) return _reward.d0;
        if (key == ConfigKeys.STAKE_REF) return _reward.stakeRef;
        revert UnknownParameter(key);
    }

    /// @dev Called only after `_bounds` accepted the value; every bound fits its field, so the casts are exact.
    // forge-lint: disable-next-item(unsafe-typecast)
    function _write(bytes32 key, uint256 v) private {
        if (key == ConfigKeys.MIN_STAKE_CPU) _registry.minStakeCPU = uint96(v);
        else if (key == ConfigKeys.MIN_STAKE_EDGE) _registry.minStakeEdge = uint96(v);
        else if (key == ConfigKeys.MIN_STAKE_SERVER) _registry.minStakeServer = uint96(v);
        else if (key == ConfigKeys.MIN_STAKE_GPU) _registry.minStakeGPU = uint96(v);
        else if (key == ConfigKeys.UNBONDING_PERIOD) _registry.unbondingPeriod = uint32(v);
        else if (key == ConfigKeys.REP_START) _registry.repStart = uint16(v);
        else if (key == ConfigKeys.REP_JAIL) _registry.repJail = uint16(v);
        else if (key == ConfigKeys.JAIL_EPOCHS) _registry.jailEpochs = uint32(v);
        else if (key == ConfigKeys.SORTITION_K) _market.sortitionK = uint16(v);
        else if (key == ConfigKeys.COMMITTEE_SIZE) _market.committeeSize = uint16(v);
        else if (key == ConfigKeys.MAX_ABANDONS) _market.maxAbandons = uint16(v);
        else if (key == ConfigKeys.MAX_BATCH_SIZE) _market.maxBatchSize = uint16(v);
        else if (key == ConfigKeys.WIDEN_PERIOD) _market.widenPeriod = uint32(v);
        else if (key == ConfigKeys.MAX_LEASE_DURATION) _market.maxLeaseDuration = uint32(v);
        else if (key == ConfigKeys.MIN_LEASE_DURATION) _market.minLeaseDuration = uint32(v);
        else if (key == ConfigKeys.AUDIT_WINDOW) _market.auditWindow = uint32(v);
        else if (key == ConfigKeys.REVEAL_WINDOW) _market.revealWindow = uint32(v);
        else if (key == ConfigKeys.COMMITTEE_WINDOW) _market.committeeWindow = uint32(v);
        else if (key == ConfigKeys.P_MIN_BPS) _market.pMinBps = uint16(v);
        else if (key == ConfigKeys.P_MAX_BPS) _market.pMaxBps = uint16(v);
        else if (key == ConfigKeys.SLASH_BPS) _market.slashBps = uint16(v);
        else if (key == ConfigKeys.PROTOCOL_FEE_BPS) _market.protocolFeeBps = uint16(v);
        else if (key == ConfigKeys.FEE_BURN_BPS) _market.feeBurnBps = uint16(v);
        else if (key == ConfigKeys.CANCEL_FEE_BPS) _market.cancelFeeBps = uint16(v);
        else if (key == ConfigKeys.MIN_PRICE_PER_CU) _market.minPricePerCU = uint128(v);
        else if (key == ConfigKeys.MIN_ESCROW) _market.minEscrow = uint128(v);
        else if (key == ConfigKeys.CHALLENGE_BOND) _market.challengeBond = uint128(v);
        else if (key == ConfigKeys.MIN_REQUESTER_BOND) _market.minRequesterBond = uint128(v);
        else if (key == ConfigKeys.E0) _reward.e0 = uint128(v);
        else if (key == ConfigKeys.ALPHA_WAD) _reward.alphaWad = uint64(v);
        else if (key == ConfigKeys.HALF_LIFE_EPOCHS) _reward.halfLifeEpochs = uint32(v);
        else if (key == ConfigKeys.DOUBLING_EPOCHS) _reward.doublingEpochs = uint32(v);
        else if (key == ConfigKeys.D0) _reward.d0 = uint128(v);
        else if (key == ConfigKeys.STAKE_REF) _reward.stakeRef = uint128(v);
    }

    /// @dev Cross-parameter rules, checked after the write (the whole tx reverts on failure).
    function _checkConsistency(bytes32 key, uint256 value) private view {
        if (key == ConfigKeys.REP_START || key == ConfigKeys.REP_JAIL) {
            if (_registry.repJail >= _registry.repStart) {
                (bytes32 other, uint256 otherValue) = key == ConfigKeys.REP_START
                    ? (ConfigKeys.REP_JAIL, uint256(_registry.repJail))
                    : (ConfigKeys.REP_START, uint256(_registry.repStart));
                revert InconsistentParameters(key, value, other, otherValue);
            }
        } else if (key == ConfigKeys.P_MIN_BPS || key == ConfigKeys.P_MAX_BPS) {
            if (_market.pMinBps > _market.pMaxBps) {
                (bytes32 other, uint256 otherValue) = key == ConfigKeys.P_MIN_BPS
                    ? (ConfigKeys.P_MAX_BPS, uint256(_market.pMaxBps))
                    : (ConfigKeys.P_MIN_BPS, uint256(_market.pMinBps));
                revert InconsistentParameters(key, value, other, otherValue);
            }
        } else if (key == ConfigKeys.MIN_LEASE_DURATION || key == ConfigKeys.MAX_LEASE_DURATION) {
            if (_market.minLeaseDuration > _market.maxLeaseDuration) {
                (bytes32 other, uint256 otherValue) = key == ConfigKeys.MIN_LEASE_DURATION
                    ? (ConfigKeys.MAX_LEASE_DURATION, uint256(_market.maxLeaseDuration))
                    : (ConfigKeys.MIN_LEASE_DURATION, uint256(_market.minLeaseDuration));
                revert InconsistentParameters(key, value, other, otherValue);
            }
        } else if (key == ConfigKeys.E0 || key == ConfigKeys.HALF_LIFE_EPOCHS) {
            _checkEmissionBudget(key, value, _reward.e0, _reward.halfLifeEpochs);
        }
    }

    /// @dev The time-decayed schedule sums to about e0 * H / ln 2; keep it within the budget.
    function _checkEmissionBudget(bytes32 key, uint256 value, uint256 e0, uint256 halfLife) private view {
        uint256 budgetTimesLn2 = (emissionBudget * LN2_WAD) / WAD;
        if (e0 * halfLife > budgetTimesLn2) {
            (bytes32 other, uint256 otherValue) =
                key == ConfigKeys.E0 ? (ConfigKeys.HALF_LIFE_EPOCHS, halfLife) : (ConfigKeys.E0, e0);
            revert InconsistentParameters(key, value, other, otherValue);
        }
    }
}
