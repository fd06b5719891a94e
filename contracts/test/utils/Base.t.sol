// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {Test} from "./Test.sol";
import {MAIToken} from "../../src/MAIToken.sol";
import {ProtocolConfig} from "../../src/ProtocolConfig.sol";
import {NodeRegistry} from "../../src/NodeRegistry.sol";
import {RewardEngine} from "../../src/RewardEngine.sol";
import {BlockhashRandomness} from "../../src/BlockhashRandomness.sol";
import {JobMarket} from "../../src/JobMarket.sol";
import {JobMarketAudits} from "../../src/market/JobMarketAudits.sol";
import {JobMarketDisputes} from "../../src/market/JobMarketDisputes.sol";
import {IMAIToken} from "../../src/interfaces/IMAIToken.sol";
import {IProtocolConfig} from "../../src/interfaces/IProtocolConfig.sol";
import {INodeRegistry} from "../../src/interfaces/INodeRegistry.sol";
import {IRewardEngine} from "../../src/interfaces/IRewardEngine.sol";
import {IRandomness} from "../../src/interfaces/IRandomness.sol";
import {DeviceClass} from "../../src/interfaces/Types.sol";

/// @dev Deploys and wires the whole protocol on the devnet preset: token (genesis faucet), timelock,
/// config, registry, reward engine, randomness and the JobMarket (`jobMarket`; `market` is its address,
/// which unit tests of the registry and engine prank as to call the market-only hooks).
/// Actors: alice, bob (owners), miner1..4 (hot keys), requester, guardian, treasury, proposer, executor.
abstract contract Base is Test {
    uint256 internal constant GENESIS_TIME = 1_700_000_000;
    uint256 internal constant EPOCH_LENGTH = 60;
    uint256 internal constant TIMELOCK_DELAY = 60;
    uint256 internal constant FAUCET_SUPPLY = 100_000_000e18;
    uint256 internal constant MINING_POOL = 600_000_000e18;

    MAIToken internal token;
    TimelockController internal timelock;
    ProtocolConfig internal config;
    NodeRegistry internal registry;
    RewardEngine internal rewardEngine;
    BlockhashRandomness internal randomness;
    JobMarket internal jobMarket;
    address internal market;

    address internal faucet;
    address internal alice;
    address internal bob;
    address internal miner1;
    address internal miner2;
    address internal miner3;
    address internal miner4;
    address internal requester;
    address internal guardian;
    address internal treasury;
    address internal proposer;
    address internal executor;

    function setUp() public virtual {
        vm.warp(GENESIS_TIME);
        vm.roll(100);
        faucet = makeAddr("faucet");
        alice = makeAddr("alice");
        bob = makeAddr("bob");
        miner1 = makeAddr("miner1");
        miner2 = makeAddr("miner2");
        miner3 = makeAddr("miner3");
        miner4 = makeAddr("miner4");
        requester = makeAddr("requester");
        guardian = makeAddr("guardian");
        treasury = makeAddr("treasury");
        proposer = makeAddr("proposer");
        executor = makeAddr("executor");

        address[] memory recipients = new address[](1);
        recipients[0] = faucet;
        uint256[] memory amounts = new uint256[](1);
        amounts[0] = FAUCET_SUPPLY;
        token = new MAIToken(recipients, amounts, MINING_POOL);
        vm.label(address(token), "MAIToken");

        address[] memory proposers = new address[](1);
        proposers[0] = proposer;
        address[] memory executors = new address[](1);
        executors[0] = executor;
        timelock = new TimelockController(TIMELOCK_DELAY, proposers, executors, address(0));
        vm.label(address(timelock), "Timelock");

        config = new ProtocolConfig(address(timelock), guardian, treasury, MINING_POOL, true);
        vm.label(address(config), "ProtocolConfig");
        registry = new NodeRegistry(IMAIToken(address(token)), config);
        vm.label(address(registry), "NodeRegistry");
        rewardEngine = new RewardEngine(IMAIToken(address(token)), registry, config, GENESIS_TIME, EPOCH_LENGTH);
        vm.label(address(rewardEngine), "RewardEngine");
        randomness = new BlockhashRandomness();
        vm.label(address(randomness), "BlockhashRandomness");

        market = _deployMarket();
        vm.label(market, "JobMarket");
        token.setMinter(address(rewardEngine));
        registry.wire(market, address(rewardEngine));
        rewardEngine.wire(market);
    }

    /// @dev The market delegates audits and disputes to two modules built for the same contracts.
    function _deployMarket() internal virtual returns (address) {
        IMAIToken t = IMAIToken(address(token));
        INodeRegistry r = INodeRegistry(address(registry));
        IRewardEngine w = IRewardEngine(address(rewardEngine));
        IRandomness x = IRandomness(address(randomness));
        JobMarketAudits audits = new JobMarketAudits(t, config, r, w, x);
        JobMarketDisputes disputes = new JobMarketDisputes(t, config, r, w, x);
        jobMarket = new JobMarket(t, config, r, w, x, audits, disputes);
        return address(jobMarket);
    }

    // ---------------------------------------------------------------- helpers

    /// @dev Sends MAI from the genesis faucet.
    function _fund(address to, uint256 amount) internal {
        vm.prank(faucet);
        token.transfer(to, amount);
    }

    /// @dev Funds `owner`, stakes `amount` for `key`, and registers `key` (hot key) with metadata "ipfs://<key>".
    function _registerNode(address key, address owner, DeviceClass deviceClass, uint256 amount) internal {
        _stakeFor(key, owner, amount);
        vm.prank(key);
        registry.register(owner, deviceClass, 1_000, "ipfs://node");
    }

    /// @dev Funds `owner` and stakes `amount` for `key` from it.
    function _stakeFor(address key, address owner, uint256 amount) internal {
        _fund(owner, amount);
        vm.startPrank(owner);
        token.approve(address(registry), amount);
        registry.stake(key, amount);
        vm.stopPrank();
    }

    /// @dev Schedules and executes `config.setParameter(key, value)` through the timelock.
    function _govern(bytes32 key, uint256 value) internal {
        _governCall(abi.encodeCall(IProtocolConfig.setParameter, (key, value)));
    }

    /// @dev Schedules and executes an arbitrary config call through the timelock (waits the delay).
    function _governCall(bytes memory data) internal {
        bytes32 salt = keccak256(abi.encode(data, block.timestamp, block.number));
        vm.prank(proposer);
        timelock.schedule(address(config), 0, data, bytes32(0), salt, TIMELOCK_DELAY);
        vm.warp(block.timestamp + TIMELOCK_DELAY);
        vm.prank(executor);
        timelock.execute(address(config), 0, data, bytes32(0), salt);
    }

    /// @dev Moves time forward to the start of epoch `e` (and one block).
    function _warpToEpoch(uint256 e) internal {
        vm.warp(GENESIS_TIME + e * EPOCH_LENGTH);
        vm.roll(block.number + 1);
    }

    function _minStake(DeviceClass c) internal view returns (uint256) {
        return registry.minStake(c);
    }

    function _rep(address node) internal view returns (uint256) {
        return registry.getNode(node).reputation;
    }
}
