// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Base} from "./utils/Base.t.sol";
import {console} from "./utils/console.sol";
import {MAIToken} from "../src/MAIToken.sol";
import {NodeRegistry} from "../src/NodeRegistry.sol";
import {RewardEngine} from "../src/RewardEngine.sol";
import {IRewardEngine} from "../src/interfaces/IRewardEngine.sol";
import {IMAIToken} from "../src/interfaces/IMAIToken.sol";
import {INodeRegistry} from "../src/interfaces/INodeRegistry.sol";
import {ConfigKeys} from "../src/interfaces/IProtocolConfig.sol";
import {DeviceClass} from "../src/interfaces/Types.sol";

contract RewardEngineTest is Base {
    uint256 internal constant CPU_MIN = 100e18;
    uint256 internal constant E0 = 1_000e18; // devnet preset
    uint256 internal constant D0 = 1_000e18;

    function setUp() public override {
        super.setUp();
        _registerNode(miner1, alice, DeviceClass.CPU, 1_000e18); // stake == stakeRef: B = 1.25
        _registerNode(miner2, bob, DeviceClass.CPU, CPU_MIN); // B = 1.025
    }

    /// @dev Independent weight formula: cu * (0.5 + 0.7 rep/1e4) * (1 + 0.25 min(1, stake/ref)), in WAD.
    function _expectedWeight(uint256 cu, uint256 rep, uint256 stake_, uint256 ref) internal pure returns (uint256) {
        uint256 q = 5e17 + 7e13 * rep;
        uint256 b = stake_ >= ref ? 125e16 : 1e18 + 25e16 * stake_ / ref;
        return cu * q * b / 1e18;
    }

    function _accrue(address node, uint256 cu) internal {
        vm.prank(market);
        rewardEngine.accrue(node, cu);
    }

    function _epochs1(uint256 e) internal pure returns (uint256[] memory list) {
        list = new uint256[](1);
        list[0] = e;
    }

    // ---------------------------------------------------------------- constructor, wire

    function test_constructor_startsAtCurrentEpoch() public {
        vm.warp(GENESIS_TIME + 5 * EPOCH_LENGTH + 7);
        RewardEngine e = new RewardEngine(IMAIToken(address(token)), registry, config, GENESIS_TIME, EPOCH_LENGTH);
        assertEq(e.openEpoch(), 5);
        assertEq(e.currentEpoch(), 5);
        assertEq(e.genesis(), GENESIS_TIME);
        assertEq(e.epochLength(), EPOCH_LENGTH);
    }

    function test_RevertWhen_constructorZeroAddress() public {
        vm.expectRevert(abi.encodeWithSelector(IRewardEngine.ZeroAddress.selector));
        new RewardEngine(IMAIToken(address(token)), INodeRegistry(address(0)), config, GENESIS_TIME, EPOCH_LENGTH);
    }

    function test_RevertWhen_constructorZeroEpochLength() public {
        vm.expectRevert(abi.encodeWithSelector(IRewardEngine.ZeroEpochLength.selector));
        new RewardEngine(IMAIToken(address(token)), registry, config, GENESIS_TIME, 0);
    }

    function test_RevertWhen_constructorGenesisInFuture() public {
        vm.expectRevert(
            abi.encodeWithSelector(IRewardEngine.GenesisInFuture.selector, block.timestamp + 1, block.timestamp)
        );
        new RewardEngine(IMAIToken(address(token)), registry, config, block.timestamp + 1, EPOCH_LENGTH);
    }

    function test_wire_once() public {
        RewardEngine e = new RewardEngine(IMAIToken(address(token)), registry, config, GENESIS_TIME, EPOCH_LENGTH);
        vm.expectEmit(false, false, false, true, address(e));
        emit IRewardEngine.Wired(market);
        e.wire(market);
        assertEq(e.market(), market);
        vm.expectRevert(abi.encodeWithSelector(IRewardEngine.AlreadyWired.selector));
        e.wire(market);
    }

    function test_RevertWhen_wireNotDeployer() public {
        RewardEngine e = new RewardEngine(IMAIToken(address(token)), registry, config, GENESIS_TIME, EPOCH_LENGTH);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IRewardEngine.NotWirer.selector, alice));
        e.wire(market);
    }

    function test_RevertWhen_wireZero() public {
        RewardEngine e = new RewardEngine(IMAIToken(address(token)), registry, config, GENESIS_TIME, EPOCH_LENGTH);
        vm.expectRevert(abi.encodeWithSelector(IRewardEngine.ZeroAddress.selector));
        e.wire(address(0));
    }

    // ---------------------------------------------------------------- accrue

    function test_accrue_addsWeightedWork() public {
        uint256 w = _expectedWeight(100, 2_000, 1_000e18, 1_000e18);
        vm.expectEmit(true, true, false, true, address(rewardEngine));
        emit IRewardEngine.WorkAccrued(0, miner1, 100, w, w);
        _accrue(miner1, 100);
        uint256 w2 = _expectedWeight(50, 2_000, CPU_MIN, 1_000e18);
        _accrue(miner2, 50);
        (uint256 work,) = rewardEngine.epochInfo(0);
        assertEq(work, w + w2);
        (uint256 nw, bool claimed) = rewardEngine.nodeEpochWeight(0, miner1);
        assertEq(nw, w);
        assertFalse(claimed);
        assertEq(w, 80e18, "100 CU * 0.64 * 1.25");
    }

    function testFuzz_accrue_weightWithinHalfAndOneAndHalfCU(uint256 cu, uint256 passes) public {
        cu = bound(cu, 1, 1e15);
        passes = bound(passes, 0, 40);
        vm.startPrank(market);
        for (uint256 i; i < passes; ++i) {
            registry.recordAuditPassed(miner2);
        }
        rewardEngine.accrue(miner2, cu);
        vm.stopPrank();
        (uint256 w,) = rewardEngine.nodeEpochWeight(0, miner2);
        assertEq(w, _expectedWeight(cu, _rep(miner2), CPU_MIN, 1_000e18));
        assertGe(w, cu * 5e17);
        assertLe(w, cu * 15e17);
    }

    function test_accrue_jailedNodeEarnsNothing() public {
        vm.startPrank(market);
        registry.recordDisputeLost(miner1);
        registry.recordDisputeLost(miner1);
        rewardEngine.accrue(miner1, 1_000);
        vm.stopPrank();
        (uint256 work,) = rewardEngine.epochInfo(0);
        assertEq(work, 0);
    }

    function test_accrue_unregisteredOrZeroIgnored() public {
        _accrue(miner3, 1_000);
        _accrue(miner1, 0);
        (uint256 work,) = rewardEngine.epochInfo(0);
        assertEq(work, 0);
    }

    function test_accrue_settlesPreviousEpochFirst() public {
        _accrue(miner1, 10_000);
        _warpToEpoch(1);
        _accrue(miner1, 10);
        assertEq(rewardEngine.openEpoch(), 1);
        (, uint256 minted) = rewardEngine.epochInfo(0);
        assertEq(minted, E0, "epoch 0 at or above the baseline mints the full e0");
        (uint256 w,) = rewardEngine.nodeEpochWeight(1, miner1);
        assertEq(w, 8e18);
    }

    function test_RevertWhen_accrueNotMarket() public {
        vm.prank(miner1);
        vm.expectRevert(abi.encodeWithSelector(IRewardEngine.NotMarket.selector, miner1));
        rewardEngine.accrue(miner1, 1);
    }

    // ---------------------------------------------------------------- settlement and emission

    function test_advanceEpoch_fullBaselineMintsE0AndAdvancesThetaByOne() public {
        _accrue(miner1, 10_000); // 8000e18 >= D0
        _warpToEpoch(1);
        vm.expectEmit(true, false, false, true, address(rewardEngine));
        emit IRewardEngine.EpochSettled(0, 8_000e18, E0, 1e18, D0);
        rewardEngine.advanceEpoch();
        assertEq(rewardEngine.theta(), 1e18);
        assertEq(rewardEngine.totalScheduled(), E0);
        assertTrue(rewardEngine.isSettled(0));
        assertFalse(rewardEngine.isSettled(1));
    }

    function test_advanceEpoch_belowBaselineDefersShare() public {
        _accrue(miner1, 625); // 625 * 0.8 = 500e18 = D0 / 2
        _warpToEpoch(1);
        rewardEngine.advanceEpoch();
        (, uint256 minted) = rewardEngine.epochInfo(0);
        // e0 * (alpha + (1 - alpha) * 1/2) = 1000 * 0.65
        assertEq(minted, 650e18);
        assertEq(rewardEngine.theta(), 5e17);
    }

    function test_advanceEpoch_idempotentWithinEpoch() public {
        _accrue(miner1, 10_000);
        _warpToEpoch(1);
        rewardEngine.advanceEpoch();
        rewardEngine.advanceEpoch();
        assertEq(rewardEngine.totalScheduled(), E0);
        assertEq(rewardEngine.theta(), 1e18);
    }

    function test_advanceEpoch_emptyEpochsSkippedInConstantGas() public {
        _accrue(miner1, 10_000);
        _warpToEpoch(1);
        uint256 g0 = gasleft();
        rewardEngine.advanceEpoch();
        uint256 settleOne = g0 - gasleft();

        _accrue(miner1, 10_000);
        _warpToEpoch(1_000_001); // a million empty epochs later
        g0 = gasleft();
        rewardEngine.advanceEpoch();
        uint256 settleAfterGap = g0 - gasleft();
        assertEq(rewardEngine.openEpoch(), 1_000_001);
        assertLe(settleAfterGap, settleOne + 5_000, "no loop over skipped epochs");
        assertEq(rewardEngine.theta(), 2e18, "skipped epochs do not move theta");
        (, uint256 minted) = rewardEngine.epochInfo(500);
        assertEq(minted, 0);
    }

    function test_advanceEpoch_timeDecayAppliesToLateEpochs() public {
        _warpToEpoch(100); // one half-life (H = 100) with no work
        _accrue(miner1, 10_000);
        _warpToEpoch(101);
        rewardEngine.advanceEpoch();
        (, uint256 minted) = rewardEngine.epochInfo(100);
        // alpha part halved by time, baseline part at theta = 0 undecayed: 1000 * (0.15 + 0.7)
        assertApproxEqAbs(minted, 850e18, 1e6);
    }

    function test_difficulty_growsWithTheta() public {
        assertEq(rewardEngine.difficulty(), D0);
        for (uint256 e; e < 100; ++e) {
            _accrue(miner1, 1_000_000);
            _warpToEpoch(e + 1);
        }
        rewardEngine.advanceEpoch();
        assertEq(rewardEngine.theta(), 100e18);
        assertApproxEqRel(rewardEngine.difficulty(), 2 * D0, 1e12);
    }

    function test_advanceEpoch_thetaCapKeepsSettlementAlive() public {
        _govern(ConfigKeys.DOUBLING_EPOCHS, 1);
        // theta = 200 doublings would overflow the baseline; the engine caps it at 128.
        // Storage: slot 0 packs the market and the open epoch; slot 1 packs theta (low half) and stakeRef.
        uint256 slot1 = uint256(vm.load(address(rewardEngine), bytes32(uint256(1))));
        slot1 = (slot1 >> 128 << 128) | 200e18;
        vm.store(address(rewardEngine), bytes32(uint256(1)), bytes32(slot1));
        assertEq(rewardEngine.stakeRef(), 1_000e18, "neighbour intact");
        assertEq(rewardEngine.theta(), 200e18);
        _accrue(miner1, 10);
        _warpToEpoch(rewardEngine.currentEpoch() + 1);
        rewardEngine.advanceEpoch();
        assertLe(rewardEngine.theta(), 129e18);
        assertGt(rewardEngine.difficulty(), 0);
    }

    /// @dev Governance may move alpha, H, D0 and G between any two epochs; no epoch ever mints more than e0,
    /// theta never advances more than one epoch per epoch, and the total stays within the pool.
    function testFuzz_advanceEpoch_parameterChangesNeverRaiseEmission(uint256 seed) public {
        bytes32[4] memory keys =
            [ConfigKeys.ALPHA_WAD, ConfigKeys.HALF_LIFE_EPOCHS, ConfigKeys.D0, ConfigKeys.DOUBLING_EPOCHS];
        for (uint256 e; e < 8; ++e) {
            seed = uint256(keccak256(abi.encode(seed, e)));
            bytes32 key = keys[seed % 4];
            (uint256 lo, uint256 hi) = config.bounds(key);
            if (key == ConfigKeys.HALF_LIFE_EPOCHS) hi = 400_000; // the e0 * H budget rejects larger H at e0 = 1000
            vm.prank(address(timelock));
            config.setParameter(key, bound(seed >> 8, lo, hi));
            _accrue(miner1, bound(seed >> 128, 0, 100_000));
            uint256 thetaBefore = rewardEngine.theta();
            _warpToEpoch(e + 1);
            rewardEngine.advanceEpoch();
            (, uint256 minted) = rewardEngine.epochInfo(e);
            assertLe(minted, E0, "never above e0");
            assertLe(rewardEngine.theta(), thetaBefore + 1e18, "theta advances at most one epoch");
        }
        assertLe(rewardEngine.totalScheduled(), 8 * E0);
    }

    function test_advanceEpoch_capsAtMiningPool() public {
        address[] memory recipients = new address[](1);
        recipients[0] = faucet;
        uint256[] memory amounts = new uint256[](1);
        amounts[0] = 1_000_000e18;
        vm.startPrank(faucet);
        MAIToken small = new MAIToken(recipients, amounts, 1_500e18);
        NodeRegistry reg = new NodeRegistry(IMAIToken(address(small)), config);
        RewardEngine eng = new RewardEngine(IMAIToken(address(small)), reg, config, GENESIS_TIME, EPOCH_LENGTH);
        small.setMinter(address(eng));
        reg.wire(market, address(eng));
        eng.wire(market);
        small.approve(address(reg), 1_000e18);
        reg.stake(miner1, 1_000e18);
        vm.stopPrank();
        vm.prank(miner1);
        reg.register(faucet, DeviceClass.CPU, 1, "");

        vm.startPrank(market);
        eng.accrue(miner1, 10_000);
        _warpToEpoch(1);
        eng.accrue(miner1, 10_000);
        _warpToEpoch(2);
        eng.accrue(miner1, 10_000);
        _warpToEpoch(3);
        eng.advanceEpoch();
        vm.stopPrank();
        (, uint256 m1) = eng.epochInfo(1);
        (, uint256 m2) = eng.epochInfo(2);
        assertEq(m1, 500e18, "capped at what the pool has left");
        assertEq(m2, 0);
        assertEq(eng.totalScheduled(), 1_500e18);

        uint256[] memory list = new uint256[](3);
        (list[0], list[1], list[2]) = (0, 1, 2);
        vm.prank(faucet);
        assertEq(eng.claimRewards(miner1, list), 1_500e18);
        assertEq(small.mintedFromPool(), 1_500e18);
    }

    // ---------------------------------------------------------------- claimRewards

    function test_claimRewards_splitsProRataToOwners() public {
        _accrue(miner1, 1_000); // 800e18
        _accrue(miner2, 500); // 328e18
        _warpToEpoch(1);
        uint256[] memory list = _epochs1(0);
        vm.prank(miner1);
        uint256 p1 = rewardEngine.claimRewards(miner1, list);
        vm.prank(bob);
        uint256 p2 = rewardEngine.claimRewards(miner2, list);
        (uint256 work, uint256 minted) = rewardEngine.epochInfo(0);
        assertEq(p1, minted * 800e18 / work);
        assertEq(p2, minted * 328e18 / work);
        assertLe(p1 + p2, minted);
        assertEq(token.balanceOf(alice), p1, "hot key claims, owner is paid");
        assertEq(token.balanceOf(bob), p2);
        assertEq(token.balanceOf(miner1), 0);
        assertEq(rewardEngine.totalClaimed(), p1 + p2);
        assertEq(token.mintedFromPool(), p1 + p2);
    }

    function test_claimRewards_emitsPerEpoch() public {
        _accrue(miner1, 10_000);
        _warpToEpoch(1);
        vm.expectEmit(true, true, true, true, address(rewardEngine));
        emit IRewardEngine.RewardsClaimed(miner1, alice, 0, E0);
        vm.prank(alice);
        rewardEngine.claimRewards(miner1, _epochs1(0));
    }

    function test_claimRewards_manyEpochsOneMint() public {
        for (uint256 e; e < 3; ++e) {
            _accrue(miner1, 10_000);
            _warpToEpoch(e + 1);
        }
        uint256[] memory list = new uint256[](3);
        (list[0], list[1], list[2]) = (0, 1, 2);
        uint256 expected;
        rewardEngine.advanceEpoch();
        for (uint256 i; i < 3; ++i) {
            expected += rewardEngine.pendingReward(miner1, i);
        }
        vm.prank(alice);
        uint256 paid = rewardEngine.claimRewards(miner1, list);
        assertEq(paid, expected);
        assertEq(paid, rewardEngine.totalScheduled(), "sole worker takes everything");
        assertEq(rewardEngine.pendingReward(miner1, 0), 0);
    }

    function test_claimRewards_epochWithoutWorkPaysZero() public {
        _accrue(miner1, 10_000);
        _warpToEpoch(1);
        vm.prank(bob);
        assertEq(rewardEngine.claimRewards(miner2, _epochs1(0)), 0);
        assertEq(token.balanceOf(bob), 0);
    }

    function test_claimRewards_lazilySettlesFirst() public {
        _accrue(miner1, 10_000);
        _warpToEpoch(1);
        assertEq(rewardEngine.openEpoch(), 0, "not settled yet");
        vm.prank(alice);
        assertEq(rewardEngine.claimRewards(miner1, _epochs1(0)), E0);
    }

    function testFuzz_claimRewards_neverExceedsMinted(uint256 a, uint256 b, uint256 c) public {
        a = bound(a, 1, 1e9);
        b = bound(b, 1, 1e9);
        c = bound(c, 0, 1e9);
        _registerNode(miner3, alice, DeviceClass.EDGE, 200e18);
        _accrue(miner1, a);
        _accrue(miner2, b);
        _accrue(miner3, c);
        _warpToEpoch(1);
        uint256[] memory list = _epochs1(0);
        vm.prank(miner1);
        uint256 paid = rewardEngine.claimRewards(miner1, list);
        vm.prank(miner2);
        paid += rewardEngine.claimRewards(miner2, list);
        vm.prank(miner3);
        paid += rewardEngine.claimRewards(miner3, list);
        (, uint256 minted) = rewardEngine.epochInfo(0);
        assertLe(paid, minted);
        assertLe(minted - paid, 3, "rounding loses at most one wei per claimant");
        assertEq(token.mintedFromPool(), paid);
    }

    function test_RevertWhen_claimTwice() public {
        _accrue(miner1, 10_000);
        _warpToEpoch(1);
        vm.startPrank(alice);
        rewardEngine.claimRewards(miner1, _epochs1(0));
        vm.expectRevert(abi.encodeWithSelector(IRewardEngine.AlreadyClaimed.selector, miner1, 0));
        rewardEngine.claimRewards(miner1, _epochs1(0));
        vm.stopPrank();
        (, bool claimed) = rewardEngine.nodeEpochWeight(0, miner1);
        assertTrue(claimed);
    }

    function test_RevertWhen_claimSameEpochTwiceInOneCall() public {
        _accrue(miner1, 10_000);
        _warpToEpoch(1);
        uint256[] memory list = new uint256[](2);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IRewardEngine.AlreadyClaimed.selector, miner1, 0));
        rewardEngine.claimRewards(miner1, list);
    }

    function test_RevertWhen_claimOpenEpoch() public {
        _accrue(miner1, 10_000);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IRewardEngine.EpochNotSettled.selector, 0));
        rewardEngine.claimRewards(miner1, _epochs1(0));
    }

    function testFuzz_claimRewards_futureEpochNotSettled(uint256 e) public {
        e = bound(e, 0, type(uint256).max);
        _warpToEpoch(3);
        vm.prank(alice);
        if (e >= 3) {
            vm.expectRevert(abi.encodeWithSelector(IRewardEngine.EpochNotSettled.selector, e));
            rewardEngine.claimRewards(miner1, _epochs1(e));
        } else {
            assertEq(rewardEngine.claimRewards(miner1, _epochs1(e)), 0);
        }
    }

    function test_RevertWhen_claimByStranger() public {
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IRewardEngine.NotNodeOrOwner.selector, miner1, bob));
        rewardEngine.claimRewards(miner1, _epochs1(0));
    }

    function test_RevertWhen_claimUnknownNode() public {
        vm.prank(miner3);
        vm.expectRevert(abi.encodeWithSelector(IRewardEngine.UnknownNode.selector, miner3));
        rewardEngine.claimRewards(miner3, _epochs1(0));
    }

    function test_claimRewards_worksWhilePaused() public {
        _accrue(miner1, 10_000);
        vm.prank(guardian);
        config.pause();
        _warpToEpoch(1);
        vm.prank(alice);
        assertEq(rewardEngine.claimRewards(miner1, _epochs1(0)), E0);
    }

    // ---------------------------------------------------------------- views

    function test_stakeRef_snapshotAppliesFromNextEpoch() public {
        assertEq(rewardEngine.stakeRef(), 1_000e18);
        _govern(ConfigKeys.STAKE_REF, 100e18); // stays within epoch 1 (60 s delay = one epoch)
        uint256 e = rewardEngine.currentEpoch();
        _accrue(miner2, 100); // settles the previous epoch: snapshot taken now
        assertEq(rewardEngine.stakeRef(), 100e18);
        (uint256 w,) = rewardEngine.nodeEpochWeight(e, miner2);
        assertEq(w, _expectedWeight(100, 2_000, CPU_MIN, 100e18), "miner2 at the new ref gets the full boost");
    }

    function test_pendingReward_zeroUntilSettledAndAfterClaim() public {
        _accrue(miner1, 10_000);
        assertEq(rewardEngine.pendingReward(miner1, 0), 0);
        _warpToEpoch(1);
        assertEq(rewardEngine.pendingReward(miner1, 0), 0, "lazy settlement pending");
        rewardEngine.advanceEpoch();
        assertEq(rewardEngine.pendingReward(miner1, 0), E0);
        assertEq(rewardEngine.pendingReward(miner2, 0), 0);
    }

    function test_currentEpoch_followsTimestamp() public {
        assertEq(rewardEngine.currentEpoch(), 0);
        vm.warp(GENESIS_TIME + EPOCH_LENGTH - 1);
        assertEq(rewardEngine.currentEpoch(), 0);
        vm.warp(GENESIS_TIME + 7 * EPOCH_LENGTH);
        assertEq(rewardEngine.currentEpoch(), 7);
        assertTrue(rewardEngine.isSettled(6));
        assertEq(rewardEngine.market(), market);
    }

    // ---------------------------------------------------------------- gas

    function _coolAll() internal {
        vm.cool(address(rewardEngine));
        vm.cool(address(registry));
        vm.cool(address(config));
        vm.cool(address(token));
    }

    /// @dev Cold figures are what a market transaction pays on its first accrue; warm ones, each further batch.
    function test_gas_accrueAndClaimBounded() public {
        vm.startPrank(market);
        _coolAll();
        uint256 g0 = gasleft();
        rewardEngine.accrue(miner1, 100);
        uint256 firstInEpoch = g0 - gasleft();
        _coolAll();
        g0 = gasleft();
        rewardEngine.accrue(miner1, 100);
        uint256 repeat = g0 - gasleft();
        g0 = gasleft();
        rewardEngine.accrue(miner1, 100);
        uint256 repeatWarm = g0 - gasleft();
        _warpToEpoch(1);
        _coolAll();
        g0 = gasleft();
        rewardEngine.accrue(miner2, 100);
        uint256 settling = g0 - gasleft();
        vm.stopPrank();
        _warpToEpoch(2);
        rewardEngine.advanceEpoch();
        uint256[] memory list = new uint256[](2);
        (list[0], list[1]) = (0, 1);
        _coolAll();
        vm.prank(alice);
        g0 = gasleft();
        rewardEngine.claimRewards(miner1, list);
        uint256 claim2 = g0 - gasleft();
        console.log("accrue (first for node in epoch) gas", firstInEpoch);
        console.log("accrue (repeat, cold tx) gas", repeat);
        console.log("accrue (repeat, warm) gas", repeatWarm);
        console.log("accrue (settles previous epoch) gas", settling);
        console.log("claimRewards (2 epochs) gas", claim2);
        assertLe(firstInEpoch, 80_000); // two zero-to-nonzero SSTOREs (epoch total, node weight): once per node per epoch
        assertLe(repeat, 25_000);
        assertLe(repeatWarm, 10_000);
        assertLe(settling, 130_000); // once per epoch
        assertLe(claim2, 110_000);
    }
}
