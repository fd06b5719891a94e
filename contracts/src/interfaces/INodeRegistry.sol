// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {DeviceClass} from "./Types.sol";

/// @title INodeRegistry
/// @notice Nodes (one per device), their owners, stake, collateral locks, reputation and jail state,
/// and the per-device-class sums of sortition weight the JobMarket draws against.
/// @dev Registration flow (two-sided consent, no allowance a hot key could drain):
///   1. the owner (cold address) approves MAI and calls `stake(node, amount)` for the node's hot key;
///      the first deposit binds that owner to the not-yet-registered node;
///   2. the hot key calls `register(owner, deviceClass, capacityCUps, metadataURI)`, naming the same
///      owner; it succeeds once the bound stake covers `minStake(deviceClass)`.
/// A third party who learns a hot key before its first deposit could bind itself as owner by staking first
/// (it gains nothing: it cannot register the key, and can take its own deposit back); the operator then
/// uses a fresh hot key. Keep hot keys private until the owner's first `stake` is mined.
/// Later deposits by anyone are credited to the node and belong to its owner. Stake leaves through
/// `requestUnbond` then `withdraw` after `unbondingPeriod`; stake under unbonding stays slashable.
/// Invariant: for each class c, `_classWeight[c] == Σ cachedWeight(n)` over nodes n of class c, kept in
/// O(1) on every change of a node's reputation, stake or jail state. No function loops over nodes.
interface INodeRegistry {
    /// @notice Read model of one node.
    /// @param owner Cold address holding the stake and receiving rewards (zero if unknown).
    /// @param deviceClass Declared hardware class.
    /// @param registered Whether the hot key completed `register`.
    /// @param jailed Whether the node is jailed.
    /// @param jailedUntilEpoch First reward epoch at which `unjail` is allowed (0 if never jailed).
    /// @param reputation Reputation in basis points [0, 10000].
    /// @param stake Bonded stake (MAI wei), excluding unbonding.
    /// @param unbonding Stake waiting for `withdraw` (still slashable).
    /// @param locked Collateral locked by open leases (part of `stake`).
    /// @param capacityCUps Declared throughput (compute units per second, from `mai bench`).
    /// @param metadataURI Blob endpoint and hardware descriptor.
    struct NodeView {
        address owner;
        DeviceClass deviceClass;
        bool registered;
        bool jailed;
        uint64 jailedUntilEpoch;
        uint16 reputation;
        uint256 stake;
        uint256 unbonding;
        uint256 locked;
        uint64 capacityCUps;
        string metadataURI;
    }

    /// @notice Thrown when the stake does not reach the minimum of the device class.
    error StakeTooSmall(uint256 amount, uint256 minimum);
    /// @notice Thrown when a hot key registers twice.
    error AlreadyRegistered(address node);
    /// @notice Thrown when an action needs a registered node.
    error NotRegistered(address node);
    /// @notice Thrown when `register` names an owner other than the one bound by the first stake.
    error OwnerMismatch(address node, address boundOwner, address claimedOwner);
    /// @notice Thrown when the caller must be the node's owner.
    error NotNodeOwner(address node, address caller, address owner);
    /// @notice Thrown when the caller must be the node's hot key or owner.
    error NotNodeOrOwner(address node, address caller);
    /// @notice Thrown when a market-only hook is called by anyone else.
    error NotMarket(address caller);
    /// @notice Thrown when wiring is attempted twice or by someone other than the deployer.
    error NotWirer(address caller);
    /// @notice Thrown when wiring is attempted twice.
    error AlreadyWired();
    /// @notice Thrown when a zero amount is passed.
    error ZeroAmount();
    /// @notice Thrown when an address argument is zero.
    error ZeroAddress();
    /// @notice Thrown when collateral to lock exceeds the free stake.
    error InsufficientFreeStake(address node, uint256 free, uint256 amount);
    /// @notice Thrown when collateral to unlock exceeds what is locked.
    error UnlockExceedsLocked(address node, uint256 locked, uint256 amount);
    /// @notice Thrown when an unbond request exceeds the unlocked bonded stake.
    error UnbondExceedsFree(address node, uint256 free, uint256 amount);
    /// @notice Thrown when withdrawing before the unbonding period is over.
    error UnbondingNotReady(address node, uint256 readyAt, uint256 nowTimestamp);
    /// @notice Thrown when withdrawing with nothing unbonding.
    error NothingToWithdraw(address node);
    /// @notice Thrown when unjailing a node that is not jailed.
    error NotJailed(address node);
    /// @notice Thrown when unjailing before the jail term is over.
    error StillJailed(address node, uint256 untilEpoch, uint256 currentEpoch);
    /// @notice Thrown when registering while the protocol is paused.
    error ProtocolPaused();

    /// @notice Emitted after a stake deposit.
    event Staked(address indexed node, address indexed owner, address indexed from, uint256 amount);
    /// @notice Emitted after a node registered.
    event NodeRegistered(
        address indexed node, address indexed owner, DeviceClass deviceClass, uint64 capacityCUps, string metadataURI
    );
    /// @notice Emitted after a node's metadata changed.
    event MetadataUpdated(address indexed node, uint64 capacityCUps, string metadataURI);
    /// @notice Emitted after stake moved to unbonding.
    event UnbondRequested(address indexed node, uint256 amount, uint256 readyAt);
    /// @notice Emitted after unbonded stake was paid out to the owner.
    event Withdrawn(address indexed node, address indexed owner, uint256 amount);
    /// @notice Emitted after collateral was locked by the market.
    event CollateralLocked(address indexed node, uint256 amount, uint256 lockedTotal);
    /// @notice Emitted after collateral was unlocked by the market.
    event CollateralUnlocked(address indexed node, uint256 amount, uint256 lockedTotal);
    /// @notice Emitted after stake was slashed and sent to the market.
    event Slashed(address indexed node, uint256 requested, uint256 taken);
    /// @notice Emitted after a node's reputation changed.
    event ReputationChanged(address indexed node, uint16 oldReputation, uint16 newReputation);
    /// @notice Emitted after a node was jailed.
    event Jailed(address indexed node, uint64 untilEpoch);
    /// @notice Emitted after a node left jail.
    event Unjailed(address indexed node);
    /// @notice Emitted after a node's sortition weight changed.
    event WeightChanged(address indexed node, DeviceClass indexed deviceClass, uint256 oldWeight, uint256 newWeight);
    /// @notice Emitted once, after the market and reward engine were wired.
    event Wired(address market, address rewardEngine);

    /// @notice Wires the JobMarket (allowed to call the market hooks) and the RewardEngine (epoch clock).
    /// @dev Once, by the deployer.
    /// @param market The JobMarket.
    /// @param rewardEngine The RewardEngine.
    function wire(address market, address rewardEngine) external;

    /// @notice Deposits stake for `node`; the first deposit on an unregistered node binds the caller as owner.
    /// @dev Before registration only the bound owner may deposit; afterwards anyone may top up (the
    /// stake belongs to the owner). Pulls MAI with `transferFrom(msg.sender)`.
    /// @param node The node's hot key.
    /// @param amount MAI wei.
    function stake(address node, uint256 amount) external;

    /// @notice Registers the caller (the hot key) as a node of `owner`.
    /// @param owner Must equal the owner bound by the first `stake`.
    /// @param deviceClass Declared hardware class; the bound stake must cover its minimum.
    /// @param capacityCUps Declared throughput (informational; caps lease length in the market).
    /// @param metadataURI Blob endpoint and hardware descriptor.
    function register(address owner, DeviceClass deviceClass, uint64 capacityCUps, string calldata metadataURI) external;

    /// @notice Updates capacity and metadata. Hot key or owner.
    /// @param node The node's hot key.
    /// @param capacityCUps New declared throughput.
    /// @param metadataURI New blob endpoint and hardware descriptor.
    function setMetadata(address node, uint64 capacityCUps, string calldata metadataURI) external;

    /// @notice Moves `amount` of unlocked bonded stake to unbonding and restarts the unbonding timer. Owner only.
    /// @dev The node's whole unbonding balance becomes withdrawable `unbondingPeriod` after the latest request.
    /// @param node The node's hot key.
    /// @param amount MAI wei, at most `freeStake(node)`.
    function requestUnbond(address node, uint256 amount) external;

    /// @notice Pays all unbonding stake to the owner once the unbonding period is over. Owner only.
    /// @param node The node's hot key.
    /// @return amount MAI wei paid.
    function withdraw(address node) external returns (uint256 amount);

    /// @notice Leaves jail once the term is over; reputation is raised to `repJail` if below. Hot key or owner.
    /// @param node The node's hot key.
    function unjail(address node) external;

    /// @notice Recomputes a node's cached sortition weight (needed only after a governance change of a
    /// minimum stake or `repJail`). Anyone.
    /// @param node The node's hot key.
    function poke(address node) external;

    /// @notice Locks collateral for an open lease. Market only.
    /// @param node The node's hot key.
    /// @param amount MAI wei, at most `freeStake(node)`.
    function lockCollateral(address node, uint256 amount) external;

    /// @notice Unlocks collateral of a closed lease. Market only.
    /// @param node The node's hot key.
    /// @param amount MAI wei, at most the locked amount.
    function unlockCollateral(address node, uint256 amount) external;

    /// @notice Slashes up to `amount`, taking from bonded stake then unbonding; sends the taken MAI to the market.
    /// @dev Locked collateral is not released here; the market unlocks it separately.
    /// @param node The node's hot key.
    /// @param amount MAI wei requested.
    /// @return taken MAI wei actually taken (less than `amount` if the node holds less).
    function slash(address node, uint256 amount) external returns (uint256 taken);

    /// @notice Reputation after a passed audit: `+ (10000 - rep) / 16`. Market only.
    /// @param node The node's hot key (must be registered).
    function recordAuditPassed(address node) external;

    /// @notice Reputation after an unaudited acceptance: `+ (10000 - rep) / 256`. Market only.
    /// @param node The node's hot key (must be registered).
    function recordAccepted(address node) external;

    /// @notice Reputation after an expired lease: `- ceil(rep / 8)`; jails below `repJail`. Market only.
    /// @param node The node's hot key (must be registered).
    function recordExpired(address node) external;

    /// @notice Reputation after a lost dispute or withheld reveal: halved; jails below `repJail`. Market only.
    /// @param node The node's hot key (must be registered).
    function recordDisputeLost(address node) external;

    /// @notice Full read model of a node (copies the metadata string; the market should prefer `nodeCore`).
    /// @param node The node's hot key.
    function getNode(address node) external view returns (NodeView memory);

    /// @notice Owner of a node (zero if none bound).
    /// @param node The node's hot key.
    function ownerOf(address node) external view returns (address);

    /// @notice Registered, not jailed and bonded stake at least `minStake(class)` (live, reads the config).
    /// @param node The node's hot key.
    function isActive(address node) external view returns (bool);

    /// @notice Bonded stake minus locked collateral (0 if negative after a slash).
    /// @param node The node's hot key.
    function freeStake(address node) external view returns (uint256);

    /// @notice Sortition weight: the node's reputation (bps, at least 1) while active, else 0.
    /// @dev Returns the cached value included in the class sums, so `w / activeWeight` is exact.
    /// @param node The node's hot key.
    function assignmentWeight(address node) external view returns (uint256);

    /// @notice Sum of `assignmentWeight` over nodes of class `minClass` or above. O(1): one SLOAD.
    /// @param minClass The weakest admitted class.
    function activeWeight(DeviceClass minClass) external view returns (uint256);

    /// @notice What the market needs to admit a lease, without copying the metadata string (3 SLOADs).
    /// @dev `weight > 0` means the node was active at its last sync (the same figure the class sums hold),
    /// so a market may use it instead of `isActive` and save the config read.
    /// @return owner The node's owner (zero if unknown).
    /// @return deviceClass Declared class.
    /// @return reputation Reputation in basis points.
    /// @return weight Cached sortition weight (see `assignmentWeight`).
    /// @return free Free stake (see `freeStake`).
    function nodeCore(address node)
        external
        view
        returns (address owner, DeviceClass deviceClass, uint16 reputation, uint256 weight, uint256 free);

    /// @notice What the RewardEngine needs to weigh a node's work, in one cheap call (no config read).
    /// @return eligible Registered and not jailed (a jailed node earns no emission).
    /// @return reputation Reputation in basis points.
    /// @return bondedStake Bonded stake (excluding unbonding).
    function rewardInputs(address node) external view returns (bool eligible, uint16 reputation, uint256 bondedStake);

    /// @notice Minimum stake of a device class (current config).
    /// @param deviceClass The class.
    function minStake(DeviceClass deviceClass) external view returns (uint256);

    /// @notice Total MAI held by the registry (bonded + unbonding of all nodes).
    function totalStaked() external view returns (uint256);

    /// @notice The wired JobMarket.
    function market() external view returns (address);

    /// @notice The wired RewardEngine (epoch clock).
    function rewardEngine() external view returns (address);
}
