// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {INodeRegistry} from "./interfaces/INodeRegistry.sol";
import {IProtocolConfig} from "./interfaces/IProtocolConfig.sol";
import {IRewardEngine} from "./interfaces/IRewardEngine.sol";
import {DeviceClass} from "./interfaces/Types.sol";
import {Reputation} from "./libraries/Reputation.sol";

/// @title NodeRegistry
/// @notice Nodes, their owners' stake, collateral locks, reputation, jail, and sortition weight sums.
/// @dev Invariants:
/// - `totalStaked() == Σ (stake + unbonding)` over nodes == the registry's MAI balance (minus donations).
/// - For each class c: lane c of `_classWeights` == Σ `weight` over nodes of class c, where `weight` is the
///   cached sortition weight (reputation, at least 1, while active; else 0). Every change of reputation,
///   stake or jail state re-syncs the node's cached weight in O(1); `poke` re-syncs after governance moves
///   a minimum stake. The four class sums share one storage slot (64 bits each; 10^4 per node bounds a lane
///   at 1.8e15 nodes), so `activeWeight` is a single SLOAD.
/// - `locked <= stake` holds except right after a slash, until the market unlocks the slashed lease.
/// Nothing loops over nodes.
contract NodeRegistry is INodeRegistry {
    using SafeERC20 for IERC20;

    uint256 private constant MAX_REP = 10_000;
    uint256 private constant LANE_BITS = 64;
    uint256 private constant LANE_MASK = type(uint64).max;

    /// @dev Three slots. Slot 0 is all the reputation hooks touch (reputation, jail and cached weight);
    /// slot 1 all the collateral hooks touch.
    struct Node {
        // slot 0
        address owner;
        DeviceClass deviceClass;
        bool registered;
        bool jailed;
        uint16 reputation;
        uint16 weight;
        uint40 jailedUntilEpoch;
        // slot 1
        uint128 stake;
        uint128 locked;
        // slot 2
        uint128 unbonding;
        uint40 unbondReadyAt;
        uint64 capacityCUps;
    }

    IERC20 private immutable _token;
    IProtocolConfig private immutable _config;
    address private immutable _wirer;

    address private _market;
    IRewardEngine private _rewardEngine;
    uint256 private _classWeights;
    uint256 private _totalStaked;
    mapping(address node => Node) private _nodes;
    mapping(address node => string) private _metadata;

    /// @param token The MAI token staked here.
    /// @param config The protocol configuration.
    constructor(IERC20 token, IProtocolConfig config) {
        if (address(token) == address(0) || address(config) == address(0)) revert ZeroAddress();
        _token = token;
        _config = config;
        _wirer = msg.sender;
    }

    modifier onlyMarket() {
        if (msg.sender != _market) revert NotMarket(msg.sender);
        _;
    }

    // ---------------------------------------------------------------- wiring

    /// @inheritdoc INodeRegistry
    function wire(address market_, address rewardEngine_) external {
        if (msg.sender != _wirer) revert NotWirer(msg.sender);
        if (_market != address(0)) revert AlreadyWired();
        if (market_ == address(0) || rewardEngine_ == address(0)) revert ZeroAddress();
        _market = market_;
        _rewardEngine = IRewardEngine(rewardEngine_);
        emit Wired(market_, rewardEngine_);
    }

    // ---------------------------------------------------------------- owner and node actions

    /// @inheritdoc INodeRegistry
    function stake(address node, uint256 amount) external {
        if (node == address(0)) revert ZeroAddress();
        if (amount == 0) revert ZeroAmount();
        Node storage n = _nodes[node];
        address owner = n.owner;
        if (owner == address(0)) {
            owner = msg.sender;
            n.owner = owner;
        } else if (!n.registered && msg.sender != owner) {
            revert NotNodeOwner(node, msg.sender, owner);
        }
        n.stake = SafeCast.toUint128(n.stake + amount);
        _totalStaked += amount;
        if (n.registered) _syncWeight(node, n, _config.registryParams());
        emit Staked(node, owner, msg.sender, amount);
        _token.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @inheritdoc INodeRegistry
    function register(address owner, DeviceClass deviceClass, uint64 capacityCUps, string calldata metadataURI)
        external
    {
        if (_config.paused()) revert ProtocolPaused();
        if (owner == address(0)) revert ZeroAddress();
        Node storage n = _nodes[msg.sender];
        if (n.registered) revert AlreadyRegistered(msg.sender);
        if (n.owner != owner) revert OwnerMismatch(msg.sender, n.owner, owner);
        IProtocolConfig.RegistryParams memory p = _config.registryParams();
        uint256 minimum = _minStake(p, deviceClass);
        if (n.stake < minimum) revert StakeTooSmall(n.stake, minimum);
        n.deviceClass = deviceClass;
        n.registered = true;
        n.reputation = p.repStart;
        n.capacityCUps = capacityCUps;
        _metadata[msg.sender] = metadataURI;
        emit NodeRegistered(msg.sender, owner, deviceClass, capacityCUps, metadataURI);
        _syncWeight(msg.sender, n, p);
    }

    /// @inheritdoc INodeRegistry
    function setMetadata(address node, uint64 capacityCUps, string calldata metadataURI) external {
        Node storage n = _registeredNodeOrOwner(node);
        n.capacityCUps = capacityCUps;
        _metadata[node] = metadataURI;
        emit MetadataUpdated(node, capacityCUps, metadataURI);
    }

    // forge-lint: disable-next-item(unsafe-typecast)
    /// @inheritdoc INodeRegistry
    function requestUnbond(address node, uint256 amount) external {
        Node storage n = _nodes[node];
        if (msg.sender != n.owner || msg.sender == address(0)) revert NotNodeOwner(node, msg.sender, n.owner);
        if (amount == 0) revert ZeroAmount();
        uint256 free = _free(n);
        if (amount > free) revert UnbondExceedsFree(node, free, amount);
        IProtocolConfig.RegistryParams memory p = _config.registryParams();
        uint256 readyAt = block.timestamp + p.unbondingPeriod;
        // amount <= free <= stake, and stake + unbonding <= total supply < 2^128.
        unchecked {
            n.stake -= uint128(amount);
            n.unbonding += uint128(amount);
        }
        n.unbondReadyAt = uint40(readyAt);
        if (n.registered) _syncWeight(node, n, p);
        emit UnbondRequested(node, amount, readyAt);
    }

    /// @inheritdoc INodeRegistry
    function withdraw(address node) external returns (uint256 amount) {
        Node storage n = _nodes[node];
        address owner = n.owner;
        if (msg.sender != owner || owner == address(0)) revert NotNodeOwner(node, msg.sender, owner);
        amount = n.unbonding;
        if (amount == 0) revert NothingToWithdraw(node);
        if (block.timestamp < n.unbondReadyAt) revert UnbondingNotReady(node, n.unbondReadyAt, block.timestamp);
        n.unbonding = 0;
        // amount is part of _totalStaked.
        unchecked {
            _totalStaked -= amount;
        }
        emit Withdrawn(node, owner, amount);
        _token.safeTransfer(owner, amount);
    }

    /// @inheritdoc INodeRegistry
    function unjail(address node) external {
        Node storage n = _registeredNodeOrOwner(node);
        if (!n.jailed) revert NotJailed(node);
        uint256 epoch = _rewardEngine.currentEpoch();
        if (epoch < n.jailedUntilEpoch) revert StillJailed(node, n.jailedUntilEpoch, epoch);
        IProtocolConfig.RegistryParams memory p = _config.registryParams();
        n.jailed = false;
        emit Unjailed(node);
        if (n.reputation < p.repJail) _setReputation(node, n, p.repJail);
        _syncWeight(node, n, p);
    }

    /// @inheritdoc INodeRegistry
    function poke(address node) external {
        Node storage n = _nodes[node];
        if (!n.registered) revert NotRegistered(node);
        _syncWeight(node, n, _config.registryParams());
    }

    // ---------------------------------------------------------------- market hooks

    // forge-lint: disable-next-item(unsafe-typecast)
    /// @inheritdoc INodeRegistry
    function lockCollateral(address node, uint256 amount) external onlyMarket {
        Node storage n = _nodes[node];
        uint256 free = _free(n);
        if (amount > free) revert InsufficientFreeStake(node, free, amount);
        // amount <= stake - locked, so locked + amount <= stake < 2^128.
        uint256 locked;
        unchecked {
            locked = n.locked + amount;
        }
        n.locked = uint128(locked);
        emit CollateralLocked(node, amount, locked);
    }

    // forge-lint: disable-next-item(unsafe-typecast)
    /// @inheritdoc INodeRegistry
    function unlockCollateral(address node, uint256 amount) external onlyMarket {
        Node storage n = _nodes[node];
        uint256 locked = n.locked;
        if (amount > locked) revert UnlockExceedsLocked(node, locked, amount);
        // amount <= locked.
        unchecked {
            locked -= amount;
        }
        n.locked = uint128(locked);
        emit CollateralUnlocked(node, amount, locked);
    }

    // forge-lint: disable-next-item(unsafe-typecast)
    /// @inheritdoc INodeRegistry
    function slash(address node, uint256 amount) external onlyMarket returns (uint256 taken) {
        Node storage n = _nodes[node];
        uint256 bonded = n.stake;
        uint256 unbonding = n.unbonding;
        uint256 fromStake = amount < bonded ? amount : bonded;
        uint256 rest = amount - fromStake;
        uint256 fromUnbonding = rest < unbonding ? rest : unbonding;
        // fromStake <= bonded and fromUnbonding <= unbonding; both are part of _totalStaked.
        unchecked {
            taken = fromStake + fromUnbonding;
            n.stake = uint128(bonded - fromStake);
            n.unbonding = uint128(unbonding - fromUnbonding);
            _totalStaked -= taken;
        }
        emit Slashed(node, amount, taken);
        if (fromStake != 0 && n.registered) _syncWeight(node, n, _config.registryParams());
        if (taken != 0) _token.safeTransfer(msg.sender, taken);
    }

    /// @inheritdoc INodeRegistry
    function recordAuditPassed(address node) external onlyMarket {
        Node storage n = _registered(node);
        _raiseReputation(node, n, Reputation.onAuditPassed(n.reputation));
    }

    /// @inheritdoc INodeRegistry
    function recordAccepted(address node) external onlyMarket {
        Node storage n = _registered(node);
        _raiseReputation(node, n, Reputation.onAccepted(n.reputation));
    }

    /// @inheritdoc INodeRegistry
    function recordExpired(address node) external onlyMarket {
        Node storage n = _registered(node);
        _lowerReputation(node, n, Reputation.onExpired(n.reputation));
    }

    /// @inheritdoc INodeRegistry
    function recordDisputeLost(address node) external onlyMarket {
        Node storage n = _registered(node);
        _lowerReputation(node, n, Reputation.onDisputeLost(n.reputation));
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc INodeRegistry
    function getNode(address node) external view returns (NodeView memory v) {
        Node storage n = _nodes[node];
        v = NodeView({
            owner: n.owner,
            deviceClass: n.deviceClass,
            registered: n.registered,
            jailed: n.jailed,
            jailedUntilEpoch: n.jailedUntilEpoch,
            reputation: n.reputation,
            stake: n.stake,
            unbonding: n.unbonding,
            locked: n.locked,
            capacityCUps: n.capacityCUps,
            metadataURI: _metadata[node]
        });
    }

    /// @inheritdoc INodeRegistry
    function ownerOf(address node) external view returns (address) {
        return _nodes[node].owner;
    }

    /// @inheritdoc INodeRegistry
    function isActive(address node) external view returns (bool) {
        Node storage n = _nodes[node];
        return _isActive(n, _config.registryParams());
    }

    /// @inheritdoc INodeRegistry
    function freeStake(address node) external view returns (uint256) {
        return _free(_nodes[node]);
    }

    /// @inheritdoc INodeRegistry
    function assignmentWeight(address node) external view returns (uint256) {
        return _nodes[node].weight;
    }

    /// @inheritdoc INodeRegistry
    function activeWeight(DeviceClass minClass) external view returns (uint256 sum) {
        uint256 lanes = _classWeights;
        // At most four lanes of 64 bits: the sum fits easily.
        unchecked {
            for (uint256 c = uint256(minClass); c <= uint256(type(DeviceClass).max); ++c) {
                sum += (lanes >> (c * LANE_BITS)) & LANE_MASK;
            }
        }
    }

    /// @inheritdoc INodeRegistry
    function nodeCore(address node)
        external
        view
        returns (address owner, DeviceClass deviceClass, uint16 reputation, uint256 weight, uint256 free)
    {
        Node storage n = _nodes[node];
        return (n.owner, n.deviceClass, n.reputation, n.weight, _free(n));
    }

    /// @inheritdoc INodeRegistry
    function rewardInputs(address node) external view returns (bool eligible, uint16 reputation, uint256 bondedStake) {
        Node storage n = _nodes[node];
        return (n.registered && !n.jailed, n.reputation, n.stake);
    }

    /// @inheritdoc INodeRegistry
    function minStake(DeviceClass deviceClass) external view returns (uint256) {
        return _minStake(_config.registryParams(), deviceClass);
    }

    /// @inheritdoc INodeRegistry
    function totalStaked() external view returns (uint256) {
        return _totalStaked;
    }

    /// @inheritdoc INodeRegistry
    function market() external view returns (address) {
        return _market;
    }

    /// @inheritdoc INodeRegistry
    function rewardEngine() external view returns (address) {
        return address(_rewardEngine);
    }

    // ---------------------------------------------------------------- internal

    function _registered(address node) private view returns (Node storage n) {
        n = _nodes[node];
        if (!n.registered) revert NotRegistered(node);
    }

    function _registeredNodeOrOwner(address node) private view returns (Node storage n) {
        n = _registered(node);
        if (msg.sender != node && msg.sender != n.owner) revert NotNodeOrOwner(node, msg.sender);
    }

    function _free(Node storage n) private view returns (uint256) {
        uint256 s = n.stake;
        uint256 l = n.locked;
        // guarded by the comparison.
        unchecked {
            return s > l ? s - l : 0;
        }
    }

    function _minStake(IProtocolConfig.RegistryParams memory p, DeviceClass c) private pure returns (uint256) {
        if (c == DeviceClass.CPU) return p.minStakeCPU;
        if (c == DeviceClass.EDGE) return p.minStakeEdge;
        if (c == DeviceClass.SERVER) return p.minStakeServer;
        return p.minStakeGPU;
    }

    function _isActive(Node storage n, IProtocolConfig.RegistryParams memory p) private view returns (bool) {
        return n.registered && !n.jailed && n.stake >= _minStake(p, n.deviceClass);
    }

    /// @dev Reputation only rises here, which cannot jail or change activity, so an active node's weight
    /// follows its reputation and an inactive one stays at 0: no config read needed.
    function _raiseReputation(address node, Node storage n, uint256 newRep) private {
        uint16 old = n.reputation;
        if (newRep == old) return;
        _setReputation(node, n, newRep);
        if (n.weight != 0) _setWeight(node, n, newRep == 0 ? 1 : newRep);
    }

    // forge-lint: disable-next-item(unsafe-typecast)
    /// @dev Lowers reputation; jails (weight 0) once it falls below `repJail`.
    function _lowerReputation(address node, Node storage n, uint256 newRep) private {
        if (newRep != n.reputation) _setReputation(node, n, newRep);
        IProtocolConfig.RegistryParams memory p = _config.registryParams();
        if (!n.jailed && newRep < p.repJail) {
            uint256 until = _rewardEngine.currentEpoch() + p.jailEpochs;
            n.jailed = true;
            n.jailedUntilEpoch = uint40(until); // 2^40 epochs outlast any chain (35,000 years at 1 s)
            emit Jailed(node, uint64(until));
        }
        _syncWeight(node, n, p);
    }

    // forge-lint: disable-next-item(unsafe-typecast)
    function _setReputation(address node, Node storage n, uint256 newRep) private {
        uint16 old = n.reputation;
        // Reputation library outputs and repJail are <= 10000.
        n.reputation = uint16(newRep);
        emit ReputationChanged(node, old, uint16(newRep));
    }

    /// @dev Recomputes the node's weight from its live state and moves the class sum by the difference.
    function _syncWeight(address node, Node storage n, IProtocolConfig.RegistryParams memory p) private {
        uint256 w;
        if (_isActive(n, p)) {
            w = n.reputation;
            if (w == 0) w = 1;
        }
        _setWeight(node, n, w);
    }

    // forge-lint: disable-next-item(unsafe-typecast)
    function _setWeight(address node, Node storage n, uint256 newWeight) private {
        uint256 old = n.weight;
        if (old == newWeight) return;
        n.weight = uint16(newWeight);
        DeviceClass c = n.deviceClass;
        uint256 shift = uint256(c) * LANE_BITS;
        // The lane holds exactly Σ weight of its class, which includes `old`, and stays below 2^64
        // (each weight <= 10^4), so neither step can borrow from or carry into a neighbouring lane.
        unchecked {
            _classWeights = _classWeights - (old << shift) + (newWeight << shift);
        }
        emit WeightChanged(node, c, old, newWeight);
    }
}
