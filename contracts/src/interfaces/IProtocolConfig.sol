// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IProtocolConfig
/// @notice Every tunable protocol parameter, in one place, each with hard bounds checked on update.
/// @dev Parameters are grouped in three structs, each read in one call by its consumer:
/// `registryParams()` (NodeRegistry), `marketParams()` (JobMarket), `rewardParams()` (RewardEngine).
/// A parameter is addressed by its key: the `bytes32` of its field name, e.g. `bytes32("slashBps")`
/// (see `ConfigKeys`). Updates are only accepted from the governance address (a TimelockController);
/// the guardian may pause and unpause. While paused, new jobs, leases and registrations stop; refunds,
/// withdrawals, claims, reveals, finalization and dispute resolution never do (each consumer enforces
/// its side by calling `paused()` only on the entry points that create new obligations).
interface IProtocolConfig {
    /// @notice Parameters read by the NodeRegistry.
    /// @param minStakeCPU Minimum stake (MAI wei) for a CPU node; likewise for the other classes.
    /// @param unbondingPeriod Seconds between `requestUnbond` and `withdraw`; stake stays slashable meanwhile.
    /// @param repStart Reputation (bps) a newly registered node starts at.
    /// @param repJail A node whose reputation falls below this (bps) is jailed.
    /// @param jailEpochs Reward epochs a jailed node must wait before `unjail`.
    struct RegistryParams {
        uint96 minStakeCPU;
        uint96 minStakeEdge;
        uint96 minStakeServer;
        uint96 minStakeGPU;
        uint32 unbondingPeriod;
        uint16 repStart;
        uint16 repJail;
        uint32 jailEpochs;
    }

    /// @notice Parameters read by the JobMarket. Durations are in seconds, rates in basis points.
    /// @param sortitionK Expected number of eligible nodes per batch draw (`k`).
    /// @param committeeSize Dispute committee size `m`.
    /// @param maxAbandons Distinct abandoning owners after which a job freezes and pays them from the requester bond.
    /// @param maxBatchSize Largest `batchSize` a job may use.
    /// @param widenPeriod Seconds an open batch waits before its sortition threshold widens (see `Sortition.threshold`).
    /// @param maxLeaseDuration Upper bound of a lease, whatever the node's declared capacity.
    /// @param minLeaseDuration Lower bound of a lease.
    /// @param auditWindow Exclusive window of one audit seat (commit of the auditor's root).
    /// @param revealWindow Window for primary and auditor reveals once the audit is committed (or not drawn).
    /// @param committeeWindow Window for each committee commit and reveal phase.
    /// @param pMinBps Audit probability for a node at full reputation.
    /// @param pMaxBps Audit probability for a node at zero reputation.
    /// @param slashBps Share of the stake a lost dispute slashes at least.
    /// @param protocolFeeBps Share of an accepted batch's price kept by the protocol.
    /// @param feeBurnBps Share of the protocol fee burned; the rest goes to the treasury.
    /// @param cancelFeeBps Share of the refunded unleased escrow kept on `cancel`.
    /// @param minPricePerCU Price floor (MAI wei per compute unit).
    /// @param minEscrow Minimum total escrow of a job (MAI wei).
    /// @param challengeBond Bond posted by an auditor whose verdict opens a dispute (MAI wei).
    /// @param minRequesterBond Minimum requester bond of a job (MAI wei).
    struct MarketParams {
        uint16 sortitionK;
        uint16 committeeSize;
        uint16 maxAbandons;
        uint16 maxBatchSize;
        uint32 widenPeriod;
        uint32 maxLeaseDuration;
        uint32 minLeaseDuration;
        uint32 auditWindow;
        uint32 revealWindow;
        uint32 committeeWindow;
        uint16 pMinBps;
        uint16 pMaxBps;
        uint16 slashBps;
        uint16 protocolFeeBps;
        uint16 feeBurnBps;
        uint16 cancelFeeBps;
        uint128 minPricePerCU;
        uint128 minEscrow;
        uint128 challengeBond;
        uint128 minRequesterBond;
    }

    /// @notice Parameters read by the RewardEngine (see `Emission.Params`, `RewardWeight`).
    /// @param e0 Full-schedule emission of epoch 0 (MAI wei).
    /// @param alphaWad Share of the emission on the time-decayed simple schedule (1e18 = 100%).
    /// @param halfLifeEpochs Half-life H of the emission, in epochs.
    /// @param d0 Baseline difficulty at effective time 0 (weighted compute per epoch, RewardWeight units).
    /// @param doublingEpochs Doubling period G of the difficulty, in effective-time epochs.
    /// @param stakeRef Stake (MAI wei) at which the stake boost saturates.
    struct RewardParams {
        uint128 e0;
        uint64 alphaWad;
        uint32 halfLifeEpochs;
        uint32 doublingEpochs;
        uint128 d0;
        uint128 stakeRef;
    }

    /// @notice Thrown when an update would put a parameter outside its hard bounds.
    error ParameterOutOfBounds(bytes32 key, uint256 value, uint256 min, uint256 max);
    /// @notice Thrown when the key names no parameter.
    error UnknownParameter(bytes32 key);
    /// @notice Thrown when an update would leave a pair of parameters inconsistent (e.g. pMin > pMax).
    error InconsistentParameters(bytes32 key, uint256 value, bytes32 otherKey, uint256 otherValue);
    /// @notice Thrown when a caller other than governance tries to update the configuration.
    error NotGovernance(address caller);
    /// @notice Thrown when a caller other than the guardian (or governance) tries to pause or unpause.
    error NotGuardian(address caller);
    /// @notice Thrown when pausing while paused, or unpausing while not paused.
    error PauseStateUnchanged(bool paused);
    /// @notice Thrown when an address argument is zero.
    error ZeroAddress();

    /// @notice Emitted after a parameter changed.
    event ParameterUpdated(bytes32 indexed key, uint256 oldValue, uint256 newValue);
    /// @notice Emitted after the treasury changed.
    event TreasuryUpdated(address indexed oldTreasury, address indexed newTreasury);
    /// @notice Emitted after the guardian changed.
    event GuardianUpdated(address indexed oldGuardian, address indexed newGuardian);
    /// @notice Emitted after the guardian paused new work.
    event Paused(address indexed by);
    /// @notice Emitted after the guardian (or governance) resumed new work.
    event Unpaused(address indexed by);

    /// @notice Updates one parameter, checking its hard bounds.
    /// @dev Governance only. Emission parameters cannot raise the total emission bound: the token's
    /// mining pool caps every mint, and the RewardEngine never schedules more than the pool holds.
    /// @param key The parameter key (`bytes32` of the field name).
    /// @param value The new value.
    function setParameter(bytes32 key, uint256 value) external;

    /// @notice Sets the address receiving the non-burned share of protocol fees. Governance only.
    /// @param newTreasury The new treasury (non-zero).
    function setTreasury(address newTreasury) external;

    /// @notice Sets the guardian allowed to pause. Governance only.
    /// @param newGuardian The new guardian (non-zero).
    function setGuardian(address newGuardian) external;

    /// @notice Stops new jobs, leases and registrations. Guardian or governance.
    function pause() external;

    /// @notice Resumes new jobs, leases and registrations. Guardian or governance.
    function unpause() external;

    /// @notice Whether new jobs, leases and registrations are stopped.
    function paused() external view returns (bool);

    /// @notice Current value of one parameter.
    /// @param key The parameter key.
    /// @return value The value.
    function getParameter(bytes32 key) external view returns (uint256 value);

    /// @notice Hard bounds of one parameter.
    /// @param key The parameter key.
    /// @return min Smallest accepted value.
    /// @return max Largest accepted value.
    function bounds(bytes32 key) external view returns (uint256 min, uint256 max);

    /// @notice All registry parameters.
    function registryParams() external view returns (RegistryParams memory);

    /// @notice All market parameters.
    function marketParams() external view returns (MarketParams memory);

    /// @notice All reward parameters.
    function rewardParams() external view returns (RewardParams memory);

    /// @notice Address receiving the non-burned share of protocol fees.
    function treasury() external view returns (address);

    /// @notice Address allowed to update parameters (the TimelockController).
    function governance() external view returns (address);

    /// @notice Address allowed to pause.
    function guardian() external view returns (address);
}

/// @title ConfigKeys
/// @notice Keys of `IProtocolConfig.setParameter`: the `bytes32` of each struct field name.
library ConfigKeys {
    bytes32 internal constant MIN_STAKE_CPU = "minStakeCPU";
    bytes32 internal constant MIN_STAKE_EDGE = "minStakeEdge";
    bytes32 internal constant MIN_STAKE_SERVER = "minStakeServer";
    bytes32 internal constant MIN_STAKE_GPU = "minStakeGPU";
    bytes32 internal constant UNBONDING_PERIOD = "unbondingPeriod";
    bytes32 internal constant REP_START = "repStart";
    bytes32 internal constant REP_JAIL = "repJail";
    bytes32 internal constant JAIL_EPOCHS = "jailEpochs";

    bytes32 internal constant SORTITION_K = "sortitionK";
    bytes32 internal constant COMMITTEE_SIZE = "committeeSize";
    bytes32 internal constant MAX_ABANDONS = "maxAbandons";
    bytes32 internal constant MAX_BATCH_SIZE = "maxBatchSize";
    bytes32 internal constant WIDEN_PERIOD = "widenPeriod";
    bytes32 internal constant MAX_LEASE_DURATION = "maxLeaseDuration";
    bytes32 internal constant MIN_LEASE_DURATION = "minLeaseDuration";
    bytes32 internal constant AUDIT_WINDOW = "auditWindow";
    bytes32 internal constant REVEAL_WINDOW = "revealWindow";
    bytes32 internal constant COMMITTEE_WINDOW = "committeeWindow";
    bytes32 internal constant P_MIN_BPS = "pMinBps";
    bytes32 internal constant P_MAX_BPS = "pMaxBps";
    bytes32 internal constant SLASH_BPS = "slashBps";
    bytes32 internal constant PROTOCOL_FEE_BPS = "protocolFeeBps";
    bytes32 internal constant FEE_BURN_BPS = "feeBurnBps";
    bytes32 internal constant CANCEL_FEE_BPS = "cancelFeeBps";
    bytes32 internal constant MIN_PRICE_PER_CU = "minPricePerCU";
    bytes32 internal constant MIN_ESCROW = "minEscrow";
    bytes32 internal constant CHALLENGE_BOND = "challengeBond";
    bytes32 internal constant MIN_REQUESTER_BOND = "minRequesterBond";

    bytes32 internal constant E0 = "e0";
    bytes32 internal constant ALPHA_WAD = "alphaWad";
    bytes32 internal constant HALF_LIFE_EPOCHS = "halfLifeEpochs";
    bytes32 internal constant DOUBLING_EPOCHS = "doublingEpochs";
    bytes32 internal constant D0 = "d0";
    bytes32 internal constant STAKE_REF = "stakeRef";
}
