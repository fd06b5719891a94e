// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Base} from "./utils/Base.t.sol";
import {console} from "./utils/console.sol";
import {NodeRegistry} from "../src/NodeRegistry.sol";
import {MAIToken} from "../src/MAIToken.sol";
import {ProtocolConfig} from "../src/ProtocolConfig.sol";
import {RewardEngine} from "../src/RewardEngine.sol";
import {INodeRegistry} from "../src/interfaces/INodeRegistry.sol";
import {IMAIToken} from "../src/interfaces/IMAIToken.sol";
import {ConfigKeys} from "../src/interfaces/IProtocolConfig.sol";
import {DeviceClass} from "../src/interfaces/Types.sol";

contract NodeRegistryTest is Base {
    uint256 internal constant CPU_MIN = 100e18; // devnet preset
    uint256 internal constant GPU_MIN = 1_000e18;

    // ---------------------------------------------------------------- wire

    function test_wire_setsMarketAndEngineOnce() public {
        NodeRegistry r = new NodeRegistry(IMAIToken(address(token)), config);
        vm.expectEmit(false, false, false, true, address(r));
        emit INodeRegistry.Wired(market, address(rewardEngine));
        r.wire(market, address(rewardEngine));
        assertEq(r.market(), market);
        assertEq(r.rewardEngine(), address(rewardEngine));
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.AlreadyWired.selector));
        r.wire(market, address(rewardEngine));
    }

    function test_RevertWhen_wireNotDeployer() public {
        NodeRegistry r = new NodeRegistry(IMAIToken(address(token)), config);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.NotWirer.selector, alice));
        r.wire(market, address(rewardEngine));
    }

    function test_RevertWhen_wireZeroAddress() public {
        NodeRegistry r = new NodeRegistry(IMAIToken(address(token)), config);
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.ZeroAddress.selector));
        r.wire(address(0), address(rewardEngine));
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.ZeroAddress.selector));
        r.wire(market, address(0));
    }

    function test_RevertWhen_constructorZeroAddress() public {
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.ZeroAddress.selector));
        new NodeRegistry(IMAIToken(address(0)), config);
    }

    // ---------------------------------------------------------------- stake

    function test_stake_firstDepositBindsOwner() public {
        _fund(alice, 500e18);
        vm.startPrank(alice);
        token.approve(address(registry), 500e18);
        vm.expectEmit(true, true, true, true, address(registry));
        emit INodeRegistry.Staked(miner1, alice, alice, 500e18);
        registry.stake(miner1, 500e18);
        vm.stopPrank();
        assertEq(registry.ownerOf(miner1), alice);
        assertEq(registry.getNode(miner1).stake, 500e18);
        assertEq(registry.totalStaked(), 500e18);
        assertEq(token.balanceOf(address(registry)), 500e18);
        assertFalse(registry.getNode(miner1).registered);
    }

    function test_stake_anyoneTopsUpRegisteredNode() public {
        _registerNode(miner1, alice, DeviceClass.CPU, CPU_MIN);
        _fund(bob, 50e18);
        vm.startPrank(bob);
        token.approve(address(registry), 50e18);
        registry.stake(miner1, 50e18);
        vm.stopPrank();
        assertEq(registry.getNode(miner1).stake, CPU_MIN + 50e18);
        assertEq(registry.ownerOf(miner1), alice, "owner unchanged");
    }

    function test_stake_crossingMinimumActivatesWeight() public {
        _registerNode(miner1, alice, DeviceClass.CPU, CPU_MIN);
        vm.prank(alice);
        registry.requestUnbond(miner1, 1e18);
        assertEq(registry.assignmentWeight(miner1), 0);
        assertFalse(registry.isActive(miner1));
        _stakeFor(miner1, alice, 1e18);
        assertEq(registry.assignmentWeight(miner1), 2_000);
        assertEq(registry.activeWeight(DeviceClass.CPU), 2_000);
    }

    function testFuzz_stake_conservesBalance(uint256 a, uint256 b) public {
        a = bound(a, 1, 10_000_000e18);
        b = bound(b, 1, 10_000_000e18);
        _stakeFor(miner1, alice, a);
        _stakeFor(miner2, bob, b);
        assertEq(registry.totalStaked(), a + b);
        assertEq(token.balanceOf(address(registry)), a + b);
        assertEq(registry.getNode(miner1).stake, a);
        assertEq(registry.getNode(miner2).stake, b);
    }

    function test_RevertWhen_stakeUnregisteredNodeByNonOwner() public {
        _stakeFor(miner1, alice, 10e18);
        _fund(bob, 10e18);
        vm.startPrank(bob);
        token.approve(address(registry), 10e18);
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.NotNodeOwner.selector, miner1, bob, alice));
        registry.stake(miner1, 10e18);
        vm.stopPrank();
    }

    function test_RevertWhen_stakeZeroAmount() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.ZeroAmount.selector));
        registry.stake(miner1, 0);
    }

    function test_RevertWhen_stakeZeroNode() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.ZeroAddress.selector));
        registry.stake(address(0), 1);
    }

    function test_RevertWhen_stakeWithoutAllowance() public {
        _fund(alice, 10e18);
        vm.prank(alice);
        vm.expectRevert(); // the token's ERC20InsufficientAllowance
        registry.stake(miner1, 10e18);
    }

    // ---------------------------------------------------------------- register

    function test_register_startsAtRepStartWithWeight() public {
        _stakeFor(miner1, alice, GPU_MIN);
        vm.expectEmit(true, true, false, true, address(registry));
        emit INodeRegistry.NodeRegistered(miner1, alice, DeviceClass.GPU, 42, "ipfs://x");
        vm.prank(miner1);
        registry.register(alice, DeviceClass.GPU, 42, "ipfs://x");
        INodeRegistry.NodeView memory v = registry.getNode(miner1);
        assertEq(v.owner, alice);
        assertTrue(v.registered);
        assertFalse(v.jailed);
        assertEq(v.reputation, 2_000);
        assertEq(v.capacityCUps, 42);
        assertEq(bytes(v.metadataURI), bytes("ipfs://x"));
        assertEq(uint256(v.deviceClass), uint256(DeviceClass.GPU));
        assertTrue(registry.isActive(miner1));
        assertEq(registry.assignmentWeight(miner1), 2_000);
        assertEq(registry.activeWeight(DeviceClass.GPU), 2_000);
        assertEq(registry.activeWeight(DeviceClass.CPU), 2_000);
    }

    function test_register_ownerMayRunManyNodes() public {
        _registerNode(miner1, alice, DeviceClass.CPU, CPU_MIN);
        _registerNode(miner2, alice, DeviceClass.CPU, CPU_MIN);
        assertEq(registry.ownerOf(miner1), alice);
        assertEq(registry.ownerOf(miner2), alice);
        assertEq(registry.activeWeight(DeviceClass.CPU), 4_000);
    }

    function testFuzz_register_requiresClassMinimum(uint8 classRaw, uint256 amount) public {
        DeviceClass c = DeviceClass(bound(classRaw, 0, 3));
        uint256 minimum = registry.minStake(c);
        amount = bound(amount, 1, 2 * minimum);
        _stakeFor(miner1, alice, amount);
        vm.prank(miner1);
        if (amount < minimum) {
            vm.expectRevert(abi.encodeWithSelector(INodeRegistry.StakeTooSmall.selector, amount, minimum));
            registry.register(alice, c, 1, "");
        } else {
            registry.register(alice, c, 1, "");
            assertTrue(registry.isActive(miner1));
        }
    }

    function test_RevertWhen_registerStakeTooSmall() public {
        _stakeFor(miner1, alice, GPU_MIN - 1);
        vm.prank(miner1);
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.StakeTooSmall.selector, GPU_MIN - 1, GPU_MIN));
        registry.register(alice, DeviceClass.GPU, 1, "");
    }

    function test_RevertWhen_registerTwice() public {
        _registerNode(miner1, alice, DeviceClass.CPU, CPU_MIN);
        vm.prank(miner1);
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.AlreadyRegistered.selector, miner1));
        registry.register(alice, DeviceClass.CPU, 1, "");
    }

    function test_RevertWhen_registerWithoutStake() public {
        vm.prank(miner1);
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.OwnerMismatch.selector, miner1, address(0), alice));
        registry.register(alice, DeviceClass.CPU, 1, "");
    }

    function test_RevertWhen_registerNamesOtherOwner() public {
        _stakeFor(miner1, alice, CPU_MIN);
        vm.prank(miner1);
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.OwnerMismatch.selector, miner1, alice, bob));
        registry.register(bob, DeviceClass.CPU, 1, "");
    }

    function test_RevertWhen_registerZeroOwner() public {
        vm.prank(miner1);
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.ZeroAddress.selector));
        registry.register(address(0), DeviceClass.CPU, 1, "");
    }

    function test_RevertWhen_registerWhilePaused() public {
        _stakeFor(miner1, alice, CPU_MIN);
        vm.prank(guardian);
        config.pause();
        vm.prank(miner1);
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.ProtocolPaused.selector));
        registry.register(alice, DeviceClass.CPU, 1, "");
    }

    function test_pause_neverBlocksStakeUnbondWithdraw() public {
        _registerNode(miner1, alice, DeviceClass.CPU, CPU_MIN);
        vm.prank(guardian);
        config.pause();
        _stakeFor(miner1, alice, 10e18);
        vm.prank(alice);
        registry.requestUnbond(miner1, 10e18);
        vm.warp(block.timestamp + 60);
        vm.prank(alice);
        assertEq(registry.withdraw(miner1), 10e18);
    }

    // ---------------------------------------------------------------- setMetadata

    function test_setMetadata_byNodeAndOwner() public {
        _registerNode(miner1, alice, DeviceClass.CPU, CPU_MIN);
        vm.expectEmit(true, false, false, true, address(registry));
        emit INodeRegistry.MetadataUpdated(miner1, 7, "a");
        vm.prank(miner1);
        registry.setMetadata(miner1, 7, "a");
        assertEq(bytes(registry.getNode(miner1).metadataURI), bytes("a"));
        vm.prank(alice);
        registry.setMetadata(miner1, 8, "b");
        assertEq(registry.getNode(miner1).capacityCUps, 8);
        assertEq(bytes(registry.getNode(miner1).metadataURI), bytes("b"));
    }

    function test_RevertWhen_setMetadataByStranger() public {
        _registerNode(miner1, alice, DeviceClass.CPU, CPU_MIN);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.NotNodeOrOwner.selector, miner1, bob));
        registry.setMetadata(miner1, 1, "");
    }

    function test_RevertWhen_setMetadataUnregistered() public {
        vm.prank(miner1);
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.NotRegistered.selector, miner1));
        registry.setMetadata(miner1, 1, "");
    }

    // ---------------------------------------------------------------- requestUnbond, withdraw

    function test_requestUnbond_movesStakeAndDropsWeightBelowMinimum() public {
        _registerNode(miner1, alice, DeviceClass.CPU, CPU_MIN + 10e18);
        vm.expectEmit(true, false, false, true, address(registry));
        emit INodeRegistry.UnbondRequested(miner1, 10e18, block.timestamp + 60);
        vm.prank(alice);
        registry.requestUnbond(miner1, 10e18);
        INodeRegistry.NodeView memory v = registry.getNode(miner1);
        assertEq(v.stake, CPU_MIN);
        assertEq(v.unbonding, 10e18);
        assertTrue(registry.isActive(miner1), "still at the minimum");
        vm.prank(alice);
        registry.requestUnbond(miner1, 1);
        assertFalse(registry.isActive(miner1));
        assertEq(registry.activeWeight(DeviceClass.CPU), 0);
        assertEq(registry.totalStaked(), CPU_MIN + 10e18, "unbonding still held");
    }

    function testFuzz_requestUnbond_boundedByFreeStake(uint256 locked, uint256 amount) public {
        _registerNode(miner1, alice, DeviceClass.CPU, 1_000e18);
        locked = bound(locked, 0, 1_000e18);
        amount = bound(amount, 1, 2_000e18);
        vm.prank(market);
        registry.lockCollateral(miner1, locked);
        uint256 free = 1_000e18 - locked;
        vm.prank(alice);
        if (amount > free) {
            vm.expectRevert(abi.encodeWithSelector(INodeRegistry.UnbondExceedsFree.selector, miner1, free, amount));
            registry.requestUnbond(miner1, amount);
        } else {
            registry.requestUnbond(miner1, amount);
            assertEq(registry.getNode(miner1).stake, 1_000e18 - amount);
            assertEq(registry.getNode(miner1).unbonding, amount);
            assertEq(registry.freeStake(miner1), free - amount);
        }
    }

    function test_RevertWhen_requestUnbondNotOwner() public {
        _registerNode(miner1, alice, DeviceClass.CPU, CPU_MIN);
        vm.prank(miner1);
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.NotNodeOwner.selector, miner1, miner1, alice));
        registry.requestUnbond(miner1, 1);
    }

    function test_RevertWhen_requestUnbondZero() public {
        _registerNode(miner1, alice, DeviceClass.CPU, CPU_MIN);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.ZeroAmount.selector));
        registry.requestUnbond(miner1, 0);
    }

    function test_RevertWhen_requestUnbondLockedCollateral() public {
        _registerNode(miner1, alice, DeviceClass.CPU, CPU_MIN);
        vm.prank(market);
        registry.lockCollateral(miner1, 60e18);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.UnbondExceedsFree.selector, miner1, 40e18, 41e18));
        registry.requestUnbond(miner1, 41e18);
    }

    function test_withdraw_paysOwnerAfterPeriod() public {
        _registerNode(miner1, alice, DeviceClass.CPU, CPU_MIN);
        vm.prank(alice);
        registry.requestUnbond(miner1, 30e18);
        vm.warp(block.timestamp + 60);
        vm.expectEmit(true, true, false, true, address(registry));
        emit INodeRegistry.Withdrawn(miner1, alice, 30e18);
        vm.prank(alice);
        uint256 amount = registry.withdraw(miner1);
        assertEq(amount, 30e18);
        assertEq(token.balanceOf(alice), 30e18);
        assertEq(registry.getNode(miner1).unbonding, 0);
        assertEq(registry.totalStaked(), CPU_MIN - 30e18);
        assertEq(token.balanceOf(address(registry)), CPU_MIN - 30e18);
    }

    function test_withdraw_unregisteredOwnerRecoversDeposit() public {
        _stakeFor(miner1, alice, 5e18);
        vm.prank(alice);
        registry.requestUnbond(miner1, 5e18);
        vm.warp(block.timestamp + 60);
        vm.prank(alice);
        registry.withdraw(miner1);
        assertEq(token.balanceOf(alice), 5e18);
    }

    function test_withdraw_newRequestRestartsTimer() public {
        _registerNode(miner1, alice, DeviceClass.CPU, CPU_MIN);
        vm.prank(alice);
        registry.requestUnbond(miner1, 10e18);
        vm.warp(block.timestamp + 50);
        vm.prank(alice);
        registry.requestUnbond(miner1, 10e18);
        vm.warp(block.timestamp + 10);
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(
                INodeRegistry.UnbondingNotReady.selector, miner1, block.timestamp + 50, block.timestamp
            )
        );
        registry.withdraw(miner1);
    }

    function test_RevertWhen_withdrawBeforePeriod() public {
        _registerNode(miner1, alice, DeviceClass.CPU, CPU_MIN);
        vm.prank(alice);
        registry.requestUnbond(miner1, 1e18);
        uint256 readyAt = block.timestamp + 60;
        vm.warp(readyAt - 1);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.UnbondingNotReady.selector, miner1, readyAt, readyAt - 1));
        registry.withdraw(miner1);
    }

    function test_RevertWhen_withdrawNothing() public {
        _registerNode(miner1, alice, DeviceClass.CPU, CPU_MIN);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.NothingToWithdraw.selector, miner1));
        registry.withdraw(miner1);
    }

    function test_RevertWhen_withdrawNotOwner() public {
        _registerNode(miner1, alice, DeviceClass.CPU, CPU_MIN);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.NotNodeOwner.selector, miner1, bob, alice));
        registry.withdraw(miner1);
    }

    function test_RevertWhen_withdrawUnknownNode() public {
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.NotNodeOwner.selector, miner1, bob, address(0)));
        registry.withdraw(miner1);
    }

    // ---------------------------------------------------------------- collateral

    function test_lockCollateral_reducesFreeStake() public {
        _registerNode(miner1, alice, DeviceClass.CPU, CPU_MIN);
        vm.expectEmit(true, false, false, true, address(registry));
        emit INodeRegistry.CollateralLocked(miner1, 30e18, 30e18);
        vm.prank(market);
        registry.lockCollateral(miner1, 30e18);
        assertEq(registry.freeStake(miner1), CPU_MIN - 30e18);
        assertEq(registry.getNode(miner1).locked, 30e18);
    }

    function testFuzz_lockCollateral_neverExceedsStake(uint256 a, uint256 b) public {
        _registerNode(miner1, alice, DeviceClass.CPU, CPU_MIN);
        a = bound(a, 0, CPU_MIN);
        b = bound(b, 0, 2 * CPU_MIN);
        vm.startPrank(market);
        registry.lockCollateral(miner1, a);
        if (b > CPU_MIN - a) {
            vm.expectRevert(
                abi.encodeWithSelector(INodeRegistry.InsufficientFreeStake.selector, miner1, CPU_MIN - a, b)
            );
            registry.lockCollateral(miner1, b);
        } else {
            registry.lockCollateral(miner1, b);
            assertEq(registry.freeStake(miner1), CPU_MIN - a - b);
        }
        vm.stopPrank();
        assertLe(registry.getNode(miner1).locked, registry.getNode(miner1).stake);
    }

    function test_RevertWhen_lockCollateralExceedsFree() public {
        _registerNode(miner1, alice, DeviceClass.CPU, CPU_MIN);
        vm.prank(market);
        vm.expectRevert(
            abi.encodeWithSelector(INodeRegistry.InsufficientFreeStake.selector, miner1, CPU_MIN, CPU_MIN + 1)
        );
        registry.lockCollateral(miner1, CPU_MIN + 1);
    }

    function test_RevertWhen_lockCollateralNotMarket() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.NotMarket.selector, alice));
        registry.lockCollateral(miner1, 1);
    }

    function test_unlockCollateral_restoresFreeStake() public {
        _registerNode(miner1, alice, DeviceClass.CPU, CPU_MIN);
        vm.startPrank(market);
        registry.lockCollateral(miner1, 30e18);
        vm.expectEmit(true, false, false, true, address(registry));
        emit INodeRegistry.CollateralUnlocked(miner1, 20e18, 10e18);
        registry.unlockCollateral(miner1, 20e18);
        vm.stopPrank();
        assertEq(registry.freeStake(miner1), CPU_MIN - 10e18);
    }

    function testFuzz_unlockCollateral_boundedByLocked(uint256 a, uint256 b) public {
        _registerNode(miner1, alice, DeviceClass.CPU, CPU_MIN);
        a = bound(a, 0, CPU_MIN);
        b = bound(b, 0, 2 * CPU_MIN);
        vm.startPrank(market);
        registry.lockCollateral(miner1, a);
        if (b > a) {
            vm.expectRevert(abi.encodeWithSelector(INodeRegistry.UnlockExceedsLocked.selector, miner1, a, b));
            registry.unlockCollateral(miner1, b);
        } else {
            registry.unlockCollateral(miner1, b);
            assertEq(registry.getNode(miner1).locked, a - b);
        }
        vm.stopPrank();
    }

    function test_RevertWhen_unlockCollateralExceedsLocked() public {
        _registerNode(miner1, alice, DeviceClass.CPU, CPU_MIN);
        vm.prank(market);
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.UnlockExceedsLocked.selector, miner1, 0, 1));
        registry.unlockCollateral(miner1, 1);
    }

    function test_RevertWhen_unlockCollateralNotMarket() public {
        vm.prank(miner1);
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.NotMarket.selector, miner1));
        registry.unlockCollateral(miner1, 1);
    }

    // ---------------------------------------------------------------- slash

    function test_slash_takesStakeThenUnbonding() public {
        _registerNode(miner1, alice, DeviceClass.CPU, CPU_MIN + 50e18);
        vm.prank(alice);
        registry.requestUnbond(miner1, 50e18);
        vm.expectEmit(true, false, false, true, address(registry));
        emit INodeRegistry.Slashed(miner1, CPU_MIN + 20e18, CPU_MIN + 20e18);
        vm.prank(market);
        uint256 taken = registry.slash(miner1, CPU_MIN + 20e18);
        assertEq(taken, CPU_MIN + 20e18);
        INodeRegistry.NodeView memory v = registry.getNode(miner1);
        assertEq(v.stake, 0);
        assertEq(v.unbonding, 30e18);
        assertEq(token.balanceOf(market), taken);
        assertEq(registry.totalStaked(), 30e18);
        assertEq(registry.activeWeight(DeviceClass.CPU), 0, "below minimum: out of the sums");
    }

    function test_slash_cappedAtHoldings() public {
        _registerNode(miner1, alice, DeviceClass.CPU, CPU_MIN);
        vm.prank(market);
        uint256 taken = registry.slash(miner1, type(uint256).max);
        assertEq(taken, CPU_MIN);
        assertEq(token.balanceOf(address(registry)), 0);
    }

    function test_slash_unbondingStaysSlashableUntilWithdrawn() public {
        _registerNode(miner1, alice, DeviceClass.CPU, CPU_MIN);
        vm.prank(alice);
        registry.requestUnbond(miner1, CPU_MIN);
        vm.warp(block.timestamp + 1_000); // past the period, but not withdrawn
        vm.prank(market);
        assertEq(registry.slash(miner1, 40e18), 40e18);
        vm.prank(alice);
        assertEq(registry.withdraw(miner1), CPU_MIN - 40e18);
    }

    function test_slash_belowLockedLeavesZeroFree() public {
        _registerNode(miner1, alice, DeviceClass.CPU, CPU_MIN);
        vm.startPrank(market);
        registry.lockCollateral(miner1, 80e18);
        registry.slash(miner1, 50e18);
        vm.stopPrank();
        assertEq(registry.freeStake(miner1), 0);
        assertEq(registry.getNode(miner1).locked, 80e18, "market unlocks separately");
    }

    function test_slash_unknownNodeTakesNothing() public {
        vm.prank(market);
        assertEq(registry.slash(miner1, 1e18), 0);
    }

    function testFuzz_slash_conservesTokens(uint256 stakeAmt, uint256 unbondAmt, uint256 amount) public {
        stakeAmt = bound(stakeAmt, CPU_MIN, 1_000_000e18);
        unbondAmt = bound(unbondAmt, 0, stakeAmt);
        amount = bound(amount, 0, 3_000_000e18);
        _registerNode(miner1, alice, DeviceClass.CPU, stakeAmt);
        if (unbondAmt != 0) {
            vm.prank(alice);
            registry.requestUnbond(miner1, unbondAmt);
        }
        vm.prank(market);
        uint256 taken = registry.slash(miner1, amount);
        assertEq(taken, amount < stakeAmt ? amount : stakeAmt);
        INodeRegistry.NodeView memory v = registry.getNode(miner1);
        assertEq(v.stake + v.unbonding + taken, stakeAmt);
        assertEq(token.balanceOf(address(registry)), registry.totalStaked());
        assertEq(token.balanceOf(market), taken);
    }

    function test_RevertWhen_slashNotMarket() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.NotMarket.selector, alice));
        registry.slash(miner1, 1);
    }

    // ---------------------------------------------------------------- reputation hooks

    function test_recordAuditPassed_addsSixteenthOfGap() public {
        _registerNode(miner1, alice, DeviceClass.CPU, CPU_MIN);
        vm.expectEmit(true, false, false, true, address(registry));
        emit INodeRegistry.ReputationChanged(miner1, 2_000, 2_500);
        vm.prank(market);
        registry.recordAuditPassed(miner1);
        assertEq(_rep(miner1), 2_500);
        assertEq(registry.assignmentWeight(miner1), 2_500);
        assertEq(registry.activeWeight(DeviceClass.CPU), 2_500);
    }

    function test_recordAccepted_adds256thOfGap() public {
        _registerNode(miner1, alice, DeviceClass.CPU, CPU_MIN);
        vm.prank(market);
        registry.recordAccepted(miner1);
        assertEq(_rep(miner1), 2_031); // 2000 + 8000/256
        assertEq(registry.activeWeight(DeviceClass.CPU), 2_031);
    }

    function test_recordExpired_subtractsEighth() public {
        _registerNode(miner1, alice, DeviceClass.CPU, CPU_MIN);
        vm.prank(market);
        registry.recordExpired(miner1);
        assertEq(_rep(miner1), 1_750);
        assertFalse(registry.getNode(miner1).jailed);
        assertEq(registry.activeWeight(DeviceClass.CPU), 1_750);
    }

    function test_recordExpired_jailsBelowThreshold() public {
        _registerNode(miner1, alice, DeviceClass.CPU, CPU_MIN);
        vm.startPrank(market);
        registry.recordExpired(miner1); // 1750
        registry.recordExpired(miner1); // 1531
        registry.recordExpired(miner1); // 1339
        registry.recordExpired(miner1); // 1171
        registry.recordExpired(miner1); // 1024
        assertFalse(registry.getNode(miner1).jailed);
        vm.expectEmit(true, false, false, true, address(registry));
        emit INodeRegistry.Jailed(miner1, uint64(rewardEngine.currentEpoch() + 2));
        registry.recordExpired(miner1); // 896
        vm.stopPrank();
        assertTrue(registry.getNode(miner1).jailed);
        assertFalse(registry.isActive(miner1));
        assertEq(registry.activeWeight(DeviceClass.CPU), 0);
    }

    function test_recordDisputeLost_halvesAndJails() public {
        _registerNode(miner1, alice, DeviceClass.GPU, GPU_MIN);
        vm.startPrank(market);
        registry.recordDisputeLost(miner1);
        assertEq(_rep(miner1), 1_000);
        assertFalse(registry.getNode(miner1).jailed, "1000 is not below repJail");
        registry.recordDisputeLost(miner1);
        vm.stopPrank();
        assertEq(_rep(miner1), 500);
        INodeRegistry.NodeView memory v = registry.getNode(miner1);
        assertTrue(v.jailed);
        assertEq(v.jailedUntilEpoch, rewardEngine.currentEpoch() + 2);
        assertEq(registry.assignmentWeight(miner1), 0);
        assertEq(registry.activeWeight(DeviceClass.CPU), 0);
    }

    function test_recordAccepted_jailedNodeStaysWeightless() public {
        _registerNode(miner1, alice, DeviceClass.CPU, CPU_MIN);
        vm.startPrank(market);
        registry.recordDisputeLost(miner1);
        registry.recordDisputeLost(miner1);
        registry.recordAuditPassed(miner1);
        vm.stopPrank();
        assertTrue(_rep(miner1) > 500);
        assertEq(registry.assignmentWeight(miner1), 0);
        assertEq(registry.activeWeight(DeviceClass.CPU), 0);
    }

    function test_RevertWhen_recordHooksNotMarket() public {
        _registerNode(miner1, alice, DeviceClass.CPU, CPU_MIN);
        vm.startPrank(alice);
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.NotMarket.selector, alice));
        registry.recordAuditPassed(miner1);
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.NotMarket.selector, alice));
        registry.recordAccepted(miner1);
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.NotMarket.selector, alice));
        registry.recordExpired(miner1);
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.NotMarket.selector, alice));
        registry.recordDisputeLost(miner1);
        vm.stopPrank();
    }

    function test_RevertWhen_recordHooksUnregistered() public {
        vm.startPrank(market);
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.NotRegistered.selector, miner1));
        registry.recordAuditPassed(miner1);
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.NotRegistered.selector, miner1));
        registry.recordAccepted(miner1);
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.NotRegistered.selector, miner1));
        registry.recordExpired(miner1);
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.NotRegistered.selector, miner1));
        registry.recordDisputeLost(miner1);
        vm.stopPrank();
    }

    // ---------------------------------------------------------------- unjail

    function _jail(address node) internal {
        vm.startPrank(market);
        registry.recordDisputeLost(node);
        registry.recordDisputeLost(node);
        vm.stopPrank();
        assertTrue(registry.getNode(node).jailed);
    }

    function test_unjail_afterTermRestoresWeightAtRepJail() public {
        _registerNode(miner1, alice, DeviceClass.CPU, CPU_MIN);
        _jail(miner1);
        uint256 until = registry.getNode(miner1).jailedUntilEpoch;
        _warpToEpoch(until);
        vm.expectEmit(true, false, false, false, address(registry));
        emit INodeRegistry.Unjailed(miner1);
        vm.prank(miner1);
        registry.unjail(miner1);
        assertFalse(registry.getNode(miner1).jailed);
        assertEq(_rep(miner1), 1_000);
        assertTrue(registry.isActive(miner1));
        assertEq(registry.activeWeight(DeviceClass.CPU), 1_000);
    }

    function test_unjail_byOwner() public {
        _registerNode(miner1, alice, DeviceClass.CPU, CPU_MIN);
        _jail(miner1);
        _warpToEpoch(registry.getNode(miner1).jailedUntilEpoch);
        vm.prank(alice);
        registry.unjail(miner1);
        assertFalse(registry.getNode(miner1).jailed);
    }

    function test_RevertWhen_unjailEarly() public {
        _registerNode(miner1, alice, DeviceClass.CPU, CPU_MIN);
        _jail(miner1);
        uint256 until = registry.getNode(miner1).jailedUntilEpoch;
        _warpToEpoch(until - 1);
        vm.prank(miner1);
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.StillJailed.selector, miner1, until, until - 1));
        registry.unjail(miner1);
    }

    function test_RevertWhen_unjailNotJailed() public {
        _registerNode(miner1, alice, DeviceClass.CPU, CPU_MIN);
        vm.prank(miner1);
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.NotJailed.selector, miner1));
        registry.unjail(miner1);
    }

    function test_RevertWhen_unjailByStranger() public {
        _registerNode(miner1, alice, DeviceClass.CPU, CPU_MIN);
        _jail(miner1);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.NotNodeOrOwner.selector, miner1, bob));
        registry.unjail(miner1);
    }

    // ---------------------------------------------------------------- poke

    function test_poke_resyncsAfterMinimumRaised() public {
        _registerNode(miner1, alice, DeviceClass.CPU, CPU_MIN);
        _govern(ConfigKeys.MIN_STAKE_CPU, CPU_MIN + 1);
        assertFalse(registry.isActive(miner1), "live check sees the new minimum");
        assertEq(registry.activeWeight(DeviceClass.CPU), 2_000, "cached until poked");
        vm.expectEmit(true, true, false, true, address(registry));
        emit INodeRegistry.WeightChanged(miner1, DeviceClass.CPU, 2_000, 0);
        registry.poke(miner1);
        assertEq(registry.activeWeight(DeviceClass.CPU), 0);
    }

    function test_RevertWhen_pokeUnregistered() public {
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.NotRegistered.selector, miner1));
        registry.poke(miner1);
    }

    // ---------------------------------------------------------------- views

    function test_activeWeight_admitsClassAndAbove() public {
        _registerNode(miner1, alice, DeviceClass.CPU, registry.minStake(DeviceClass.CPU));
        _registerNode(miner2, alice, DeviceClass.EDGE, registry.minStake(DeviceClass.EDGE));
        _registerNode(miner3, bob, DeviceClass.SERVER, registry.minStake(DeviceClass.SERVER));
        _registerNode(miner4, bob, DeviceClass.GPU, registry.minStake(DeviceClass.GPU));
        vm.prank(market);
        registry.recordAuditPassed(miner4); // 2500
        assertEq(registry.activeWeight(DeviceClass.CPU), 8_500);
        assertEq(registry.activeWeight(DeviceClass.EDGE), 6_500);
        assertEq(registry.activeWeight(DeviceClass.SERVER), 4_500);
        assertEq(registry.activeWeight(DeviceClass.GPU), 2_500);
    }

    function test_minStake_perClassFromConfig() public view {
        assertEq(registry.minStake(DeviceClass.CPU), 100e18);
        assertEq(registry.minStake(DeviceClass.EDGE), 200e18);
        assertEq(registry.minStake(DeviceClass.SERVER), 500e18);
        assertEq(registry.minStake(DeviceClass.GPU), 1_000e18);
    }

    function test_rewardInputs_reflectsJail() public {
        _registerNode(miner1, alice, DeviceClass.CPU, CPU_MIN);
        (bool eligible, uint16 rep, uint256 bonded) = registry.rewardInputs(miner1);
        assertTrue(eligible);
        assertEq(rep, 2_000);
        assertEq(bonded, CPU_MIN);
        _jail(miner1);
        (eligible,,) = registry.rewardInputs(miner1);
        assertFalse(eligible);
        (eligible,,) = registry.rewardInputs(miner2);
        assertFalse(eligible, "unregistered");
    }

    function test_nodeCore_matchesFullView() public {
        _registerNode(miner1, alice, DeviceClass.SERVER, 600e18);
        vm.startPrank(market);
        registry.lockCollateral(miner1, 30e18);
        registry.recordAuditPassed(miner1);
        vm.stopPrank();
        (address owner, DeviceClass c, uint16 rep, uint256 w, uint256 free) = registry.nodeCore(miner1);
        INodeRegistry.NodeView memory v = registry.getNode(miner1);
        assertEq(owner, v.owner);
        assertEq(uint256(c), uint256(DeviceClass.SERVER));
        assertEq(rep, v.reputation);
        assertEq(w, registry.assignmentWeight(miner1));
        assertEq(w, 2_500);
        assertEq(free, 570e18);
    }

    function test_views_unknownNodeIsEmpty() public view {
        assertEq(registry.ownerOf(miner1), address(0));
        assertFalse(registry.isActive(miner1));
        assertEq(registry.freeStake(miner1), 0);
        assertEq(registry.assignmentWeight(miner1), 0);
        assertEq(registry.market(), market);
        assertEq(registry.rewardEngine(), address(rewardEngine));
    }

    // ---------------------------------------------------------------- sums stay exact

    /// @dev Random walk over every weight-changing action on four nodes; the class sums must always equal
    /// the sum of the nodes' weights, and each weight must equal its live definition.
    function testFuzz_weightSums_exactUnderRandomActions(uint256 seed) public {
        address[4] memory nodes = [miner1, miner2, miner3, miner4];
        for (uint256 i; i < 4; ++i) {
            DeviceClass c = DeviceClass(i % 4);
            _registerNode(nodes[i], i < 2 ? alice : bob, c, registry.minStake(c) + 50e18);
        }
        for (uint256 step; step < 24; ++step) {
            seed = uint256(keccak256(abi.encode(seed, step)));
            address n = nodes[seed % 4];
            address owner = registry.ownerOf(n);
            uint256 action = (seed >> 8) % 8;
            vm.startPrank(market);
            if (action == 0) registry.recordAuditPassed(n);
            else if (action == 1) registry.recordAccepted(n);
            else if (action == 2) registry.recordExpired(n);
            else if (action == 3) registry.recordDisputeLost(n);
            else if (action == 4) registry.slash(n, (seed >> 16) % 80e18);
            vm.stopPrank();
            if (action == 5 && registry.freeStake(n) > 0) {
                uint256 amount = 1 + (seed >> 16) % registry.freeStake(n);
                vm.prank(owner);
                registry.requestUnbond(n, amount);
            } else if (action == 6) {
                _stakeFor(n, owner, 1 + (seed >> 16) % 100e18);
            } else if (action == 7 && registry.getNode(n).jailed) {
                _warpToEpoch(registry.getNode(n).jailedUntilEpoch);
                vm.prank(owner);
                registry.unjail(n);
            }
            uint256 total;
            for (uint256 i; i < 4; ++i) {
                uint256 w = registry.assignmentWeight(nodes[i]);
                INodeRegistry.NodeView memory v = registry.getNode(nodes[i]);
                uint256 live = registry.isActive(nodes[i]) ? (v.reputation == 0 ? 1 : v.reputation) : 0;
                assertEq(w, live, "cached weight == live weight");
                total += w;
            }
            assertEq(registry.activeWeight(DeviceClass.CPU), total, "class sums == sum of weights");
            assertEq(token.balanceOf(address(registry)), registry.totalStaked(), "solvent");
        }
    }

    // ---------------------------------------------------------------- gas

    /// @dev Gas of each hook the market calls per batch, with the registry and config storage cold (as at the
    /// start of a market transaction), then warm (a second batch in the same transaction).
    function _hookGas(address node, bool cold) internal returns (uint256[5] memory g) {
        vm.startPrank(market);
        for (uint256 i; i < 5; ++i) {
            if (cold) {
                vm.cool(address(registry));
                vm.cool(address(config));
                vm.cool(address(rewardEngine));
            }
            uint256 g0 = gasleft();
            if (i == 0) registry.lockCollateral(node, 1e18);
            else if (i == 1) registry.unlockCollateral(node, 1e18);
            else if (i == 2) registry.recordAccepted(node);
            else if (i == 3) registry.recordAuditPassed(node);
            else registry.recordExpired(node);
            g[i] = g0 - gasleft();
        }
        vm.stopPrank();
    }

    function test_gas_marketHooksBoundedAndIndependentOfNodeCount() public {
        _registerNode(miner1, alice, DeviceClass.CPU, CPU_MIN);
        uint256[5] memory cold = _hookGas(miner1, true);
        uint256[5] memory warm = _hookGas(miner1, false);
        string[5] memory names =
            ["lockCollateral", "unlockCollateral", "recordAccepted", "recordAuditPassed", "recordExpired"];
        for (uint256 i; i < 5; ++i) {
            console.log(string.concat(names[i], " gas cold"), cold[i]);
            console.log(string.concat(names[i], " gas warm"), warm[i]);
        }
        // Cold: one account access plus one or two node slots (and the class-sum slot when reputation moves).
        assertLe(cold[0], 12_000);
        assertLe(cold[1], 12_000);
        assertLe(cold[2], 20_000);
        assertLe(cold[3], 20_000);
        assertLe(cold[4], 35_000); // reads the config and the engine's clock for the jail check
        assertLe(warm[0], 7_000);
        assertLe(warm[2], 8_000);

        for (uint256 i; i < 40; ++i) {
            address k = address(uint160(0x1000 + i));
            _registerNode(k, bob, DeviceClass(i % 4), registry.minStake(DeviceClass(i % 4)));
        }
        _registerNode(miner2, alice, DeviceClass.CPU, CPU_MIN);
        uint256[5] memory later = _hookGas(miner2, true);
        for (uint256 i; i < 5; ++i) {
            assertApproxEqAbs(later[i], cold[i], 2_000);
        }
    }
}

/// @dev Drives the registry and the reward engine as owners, the market and a keeper would, with bounded
/// inputs, and keeps ghost totals for the invariant contract below.
contract RegistryHandler is Base {
    address[4] internal nodes;
    address[4] internal owners;

    uint256 public ghostDeposited;
    uint256 public ghostWithdrawn;
    uint256 public ghostSlashed;
    mapping(uint256 epoch => uint256) public ghostClaimedInEpoch;
    uint256 public maxEpochSeen;

    constructor(NodeRegistryInvariantTest fixture) {
        token = fixture.tokenRef();
        config = fixture.configRef();
        registry = fixture.registryRef();
        rewardEngine = fixture.rewardEngineRef();
        market = fixture.marketRef();
        faucet = fixture.faucetRef();
        nodes = fixture.nodesRef();
        owners = fixture.ownersRef();
    }

    function setUp() public override {}

    function _node(uint256 i) internal view returns (address n, address o) {
        uint256 k = i % 4;
        return (nodes[k], owners[k]);
    }

    function stake(uint256 i, uint256 amount) external {
        (address n, address o) = _node(i);
        amount = bound(amount, 1, 500e18);
        vm.prank(faucet);
        token.transfer(o, amount);
        vm.startPrank(o);
        token.approve(address(registry), amount);
        registry.stake(n, amount);
        vm.stopPrank();
        ghostDeposited += amount;
    }

    function requestUnbond(uint256 i, uint256 amount) external {
        (address n, address o) = _node(i);
        uint256 free = registry.freeStake(n);
        if (free == 0) return;
        amount = bound(amount, 1, free);
        vm.prank(o);
        registry.requestUnbond(n, amount);
    }

    function withdraw(uint256 i) external {
        (address n, address o) = _node(i);
        if (registry.getNode(n).unbonding == 0) return;
        vm.warp(block.timestamp + 60);
        vm.prank(o);
        ghostWithdrawn += registry.withdraw(n);
    }

    function lock(uint256 i, uint256 amount) external {
        (address n,) = _node(i);
        uint256 free = registry.freeStake(n);
        amount = bound(amount, 0, free);
        vm.prank(market);
        registry.lockCollateral(n, amount);
    }

    function unlock(uint256 i, uint256 amount) external {
        (address n,) = _node(i);
        amount = bound(amount, 0, registry.getNode(n).locked);
        vm.prank(market);
        registry.unlockCollateral(n, amount);
    }

    function slash(uint256 i, uint256 amount) external {
        (address n,) = _node(i);
        amount = bound(amount, 0, 300e18);
        vm.prank(market);
        ghostSlashed += registry.slash(n, amount);
    }

    function reputation(uint256 i, uint256 kind) external {
        (address n,) = _node(i);
        vm.startPrank(market);
        kind %= 4;
        if (kind == 0) registry.recordAuditPassed(n);
        else if (kind == 1) registry.recordAccepted(n);
        else if (kind == 2) registry.recordExpired(n);
        else registry.recordDisputeLost(n);
        vm.stopPrank();
    }

    function unjail(uint256 i) external {
        (address n, address o) = _node(i);
        INodeRegistry.NodeView memory v = registry.getNode(n);
        if (!v.jailed) return;
        if (rewardEngine.currentEpoch() < v.jailedUntilEpoch) {
            vm.warp(GENESIS_TIME + uint256(v.jailedUntilEpoch) * EPOCH_LENGTH);
        }
        vm.prank(o);
        registry.unjail(n);
    }

    function accrue(uint256 i, uint256 cu) external {
        (address n,) = _node(i);
        cu = bound(cu, 0, 5_000);
        vm.prank(market);
        rewardEngine.accrue(n, cu);
    }

    function passTime(uint256 epochs) external {
        epochs = bound(epochs, 0, 3);
        vm.warp(block.timestamp + epochs * EPOCH_LENGTH);
        rewardEngine.advanceEpoch();
    }

    function claim(uint256 i, uint256 epoch) external {
        (address n, address o) = _node(i);
        uint256 open = rewardEngine.currentEpoch();
        if (open == 0) return;
        epoch = bound(epoch, 0, open - 1);
        (, bool claimed) = rewardEngine.nodeEpochWeight(epoch, n);
        if (claimed) return;
        uint256[] memory list = new uint256[](1);
        list[0] = epoch;
        vm.prank(o);
        ghostClaimedInEpoch[epoch] += rewardEngine.claimRewards(n, list);
        if (epoch > maxEpochSeen) maxEpochSeen = epoch;
    }
}

contract NodeRegistryInvariantTest is Base {
    RegistryHandler internal handler;
    address[4] internal nodeList;
    address[4] internal ownerList;

    function setUp() public override {
        super.setUp();
        nodeList = [miner1, miner2, miner3, miner4];
        ownerList = [alice, alice, bob, bob];
        for (uint256 i; i < 4; ++i) {
            DeviceClass c = DeviceClass(i);
            _registerNode(nodeList[i], ownerList[i], c, registry.minStake(c) + 100e18);
        }
        handler = new RegistryHandler(this);
        targetContract(address(handler));
        bytes4[] memory selectors = new bytes4[](11);
        selectors[0] = RegistryHandler.stake.selector;
        selectors[1] = RegistryHandler.requestUnbond.selector;
        selectors[2] = RegistryHandler.withdraw.selector;
        selectors[3] = RegistryHandler.lock.selector;
        selectors[4] = RegistryHandler.unlock.selector;
        selectors[5] = RegistryHandler.slash.selector;
        selectors[6] = RegistryHandler.reputation.selector;
        selectors[7] = RegistryHandler.unjail.selector;
        selectors[8] = RegistryHandler.accrue.selector;
        selectors[9] = RegistryHandler.passTime.selector;
        selectors[10] = RegistryHandler.claim.selector;
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
    }

    function tokenRef() external view returns (MAIToken) {
        return token;
    }

    function configRef() external view returns (ProtocolConfig) {
        return config;
    }

    function registryRef() external view returns (NodeRegistry) {
        return registry;
    }

    function rewardEngineRef() external view returns (RewardEngine) {
        return rewardEngine;
    }

    function marketRef() external view returns (address) {
        return market;
    }

    function faucetRef() external view returns (address) {
        return faucet;
    }

    function nodesRef() external view returns (address[4] memory) {
        return nodeList;
    }

    function ownersRef() external view returns (address[4] memory) {
        return ownerList;
    }

    /// forge-config: default.invariant.runs = 64
    /// forge-config: default.invariant.depth = 40
    /// forge-config: default.invariant.fail-on-revert = true
    function invariant_stakeConserved() public view {
        uint256 sum;
        for (uint256 i; i < 4; ++i) {
            INodeRegistry.NodeView memory v = registry.getNode(nodeList[i]);
            sum += v.stake + v.unbonding;
        }
        assertEq(sum, registry.totalStaked(), "sum of stakes == totalStaked");
        assertEq(token.balanceOf(address(registry)), registry.totalStaked(), "registry solvent");
        uint256 initial = 100e18 + 200e18 + 500e18 + 1_000e18 + 400e18;
        assertEq(
            initial + handler.ghostDeposited(),
            registry.totalStaked() + handler.ghostWithdrawn() + handler.ghostSlashed(),
            "deposits == held + withdrawn + slashed"
        );
        assertEq(token.balanceOf(market), handler.ghostSlashed(), "slashed tokens reach the market");
    }

    /// forge-config: default.invariant.runs = 64
    /// forge-config: default.invariant.depth = 40
    /// forge-config: default.invariant.fail-on-revert = true
    function invariant_weightSumsExact() public view {
        uint256[4] memory perClass;
        for (uint256 i; i < 4; ++i) {
            address n = nodeList[i];
            INodeRegistry.NodeView memory v = registry.getNode(n);
            uint256 live = registry.isActive(n) ? (v.reputation == 0 ? 1 : v.reputation) : 0;
            assertEq(registry.assignmentWeight(n), live, "cached == live");
            perClass[uint256(v.deviceClass)] += live;
        }
        uint256 acc;
        for (uint256 c = 4; c > 0; --c) {
            acc += perClass[c - 1];
            assertEq(registry.activeWeight(DeviceClass(c - 1)), acc, "class suffix sums");
        }
    }

    /// forge-config: default.invariant.runs = 64
    /// forge-config: default.invariant.depth = 40
    /// forge-config: default.invariant.fail-on-revert = true
    function invariant_emissionBounded() public view {
        assertLe(rewardEngine.totalClaimed(), rewardEngine.totalScheduled());
        assertLe(rewardEngine.totalScheduled(), MINING_POOL);
        assertEq(token.mintedFromPool(), rewardEngine.totalClaimed());
        for (uint256 e; e <= handler.maxEpochSeen(); ++e) {
            (, uint256 minted) = rewardEngine.epochInfo(e);
            assertLe(handler.ghostClaimedInEpoch(e), minted, "claims per epoch <= minted");
        }
    }
}
