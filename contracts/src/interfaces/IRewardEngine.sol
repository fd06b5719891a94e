// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IRewardEngine
/// @notice Epoch clock, verified-work accounting and emission of the mining pool.
/// @dev Epoch `e` = `(block.timestamp - genesis) / epochLength`. Work accrues to the open epoch; the
/// first action in a later epoch (or `advanceEpoch`) settles it: `minted(e)` from `Emission.epochEmission`
/// and the effective time `theta` advances by `min(1, W(e)/D(theta))`. Epochs in which no work was
/// accrued are skipped in O(1) (theta does not move and nothing is scheduled for them). Claims pay
/// `minted(e) * w_i(e) / W(e)` rounded down, once per (epoch, node), by minting from the token's pool.
/// Invariant: Σ scheduled `minted(e)` <= the token's remaining mining pool; Σ paid(e) <= minted(e).
interface IRewardEngine {
    /// @notice Thrown when a market-only hook is called by anyone else.
    error NotMarket(address caller);
    /// @notice Thrown when wiring is attempted by someone other than the deployer.
    error NotWirer(address caller);
    /// @notice Thrown when wiring is attempted twice.
    error AlreadyWired();
    /// @notice Thrown when an address argument is zero.
    error ZeroAddress();
    /// @notice Thrown when an epoch is claimed twice for a node.
    error AlreadyClaimed(address node, uint256 epoch);
    /// @notice Thrown when claiming an epoch that is not settled yet.
    error EpochNotSettled(uint256 epoch);
    /// @notice Thrown when the caller is neither the node's hot key nor its owner.
    error NotNodeOrOwner(address node, address caller);
    /// @notice Thrown when the node has no owner in the registry.
    error UnknownNode(address node);
    /// @notice Thrown at construction when the epoch length is zero.
    error ZeroEpochLength();
    /// @notice Thrown at construction when genesis lies in the future.
    error GenesisInFuture(uint256 genesis, uint256 nowTimestamp);

    /// @notice Emitted after work was accrued to the open epoch.
    event WorkAccrued(uint256 indexed epoch, address indexed node, uint256 cu, uint256 weight, uint256 epochWork);
    /// @notice Emitted after an epoch was settled; every figure the explorer charts.
    /// @param epoch The settled epoch.
    /// @param work W(e): total weighted verified compute.
    /// @param minted Emission scheduled for the epoch (claimable by its workers).
    /// @param theta Effective time after the update (WAD epochs).
    /// @param difficulty D(theta) the epoch was measured against (before the update).
    event EpochSettled(uint256 indexed epoch, uint256 work, uint256 minted, uint256 theta, uint256 difficulty);
    /// @notice Emitted after a node claimed its share of one epoch.
    event RewardsClaimed(address indexed node, address indexed owner, uint256 indexed epoch, uint256 amount);
    /// @notice Emitted once, after the market was wired.
    event Wired(address market);

    /// @notice Wires the JobMarket (the only caller of `accrue`). Once, by the deployer.
    /// @param market The JobMarket.
    function wire(address market) external;

    /// @notice Adds the weight of `cu` verified compute units of `node` to the open epoch. Market only.
    /// @dev Settles the previous epoch first if a new one began. Jailed or unregistered nodes accrue nothing.
    /// Work excluded from emission (fees-only leases, tolerant mode) must simply not be passed here.
    /// @param node The node's hot key.
    /// @param cu Verified compute units (the market's `cuPerUnit` times the units accepted or re-run).
    function accrue(address node, uint256 cu) external;

    /// @notice Settles the open epoch if a new one began (keeper entry point; idempotent).
    function advanceEpoch() external;

    /// @notice Pays the node's share of each listed settled epoch to its owner. Hot key or owner.
    /// @dev Settles lazily first. An epoch in which the node has no weight pays 0 and is not marked.
    /// @param node The node's hot key.
    /// @param epochs Settled epochs to claim, each at most once (bounded by the caller's list).
    /// @return paid Total MAI wei minted to the owner.
    function claimRewards(address node, uint256[] calldata epochs) external returns (uint256 paid);

    /// @notice The epoch the current timestamp falls into.
    function currentEpoch() external view returns (uint256);

    /// @notice The epoch currently accruing work (equal to or before `currentEpoch()`).
    function openEpoch() external view returns (uint256);

    /// @notice Whether `epoch` is settled (its rewards are final), counting a pending lazy settlement.
    /// @param epoch The epoch.
    function isSettled(uint256 epoch) external view returns (bool);

    /// @notice W(e) and minted(e) of an epoch (minted is 0 until settled).
    /// @param epoch The epoch.
    /// @return work W(e), weighted compute (RewardWeight units).
    /// @return minted Emission scheduled for the epoch.
    function epochInfo(uint256 epoch) external view returns (uint256 work, uint256 minted);

    /// @notice Weight of a node in an epoch and whether it was claimed.
    /// @param epoch The epoch.
    /// @param node The node's hot key.
    /// @return weight w_i(e).
    /// @return claimed Whether the share was paid.
    function nodeEpochWeight(uint256 epoch, address node) external view returns (uint256 weight, bool claimed);

    /// @notice Claimable amount of a node for a settled epoch (0 if claimed or not settled).
    /// @param node The node's hot key.
    /// @param epoch The epoch.
    function pendingReward(address node, uint256 epoch) external view returns (uint256);

    /// @notice Effective time theta (WAD epochs).
    function theta() external view returns (uint256);

    /// @notice Current difficulty D(theta).
    function difficulty() external view returns (uint256);

    /// @notice The stake at which the stake boost saturates, as snapshotted from the config at the last
    /// settlement (a governance change applies from the next epoch).
    function stakeRef() external view returns (uint256);

    /// @notice Sum of minted(e) over settled epochs (never exceeds the token's mining pool).
    function totalScheduled() external view returns (uint256);

    /// @notice Sum of rewards paid.
    function totalClaimed() external view returns (uint256);

    /// @notice Unix time at which epoch 0 starts.
    function genesis() external view returns (uint256);

    /// @notice Epoch length in seconds (fixed for the engine's life).
    function epochLength() external view returns (uint256);

    /// @notice The wired JobMarket.
    function market() external view returns (address);
}
