// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Base} from "../utils/Base.t.sol";
import {console} from "../utils/console.sol";
import {World} from "./World.sol";
import {MinerHandler} from "./MinerHandler.sol";
import {RequesterHandler} from "./RequesterHandler.sol";
import {AuditorHandler} from "./AuditorHandler.sol";
import {KeeperHandler} from "./KeeperHandler.sol";
import {AttackerHandler} from "./AttackerHandler.sol";
import {IJobMarketTypes} from "../../src/interfaces/IJobMarket.sol";
import {INodeRegistry} from "../../src/interfaces/INodeRegistry.sol";
import {IProtocolConfig, ConfigKeys} from "../../src/interfaces/IProtocolConfig.sol";
import {DeviceClass} from "../../src/interfaces/Types.sol";
import {Emission} from "../../src/libraries/Emission.sol";
import {BatchRef, BatchState} from "../../src/libraries/JobMarketTypes.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @dev Invariants of the whole protocol under five kinds of actors driving the real contracts: miners,
/// requesters, auditors (and committee members), keepers and attackers. Conservation (supply, stake,
/// escrow, slashes), bounds (cap, pool, schedule, reputation, collateral), the batch life cycle (paid once,
/// forward only within an attempt) and the attacks of DESIGN 5.9 that must always revert.
contract ProtocolInvariantsTest is Base {
    World internal world;
    MinerHandler internal miner;
    RequesterHandler internal requesterHandler;
    AuditorHandler internal auditor;
    KeeperHandler internal keeper;
    AttackerHandler internal attacker;

    uint256 internal constant NODE_STAKE = 3_000e18;
    uint256 internal initialStaked;
    address internal outsider;

    function setUp() public override {
        super.setUp();
        // Collateral of 10% of stake per lease lets a node hold several leases at once.
        _govern(ConfigKeys.SLASH_BPS, 1_000);
        // Windows long enough that a handful of handler calls fit inside a lease, a seat or a reveal window.
        _govern(ConfigKeys.MIN_LEASE_DURATION, 120);
        _govern(ConfigKeys.REVEAL_WINDOW, 120);
        _govern(ConfigKeys.AUDIT_WINDOW, 60);
        _govern(ConfigKeys.COMMITTEE_WINDOW, 60);

        world = new World(token, config, registry, rewardEngine, jobMarket, faucet, treasury);
        _addNodes();
        for (uint256 i; i < 2; ++i) {
            address r = makeAddr(string.concat("requester", vm.toString(i)));
            _fund(r, 1_000_000e18);
            vm.prank(r);
            token.approve(market, type(uint256).max);
            world.addRequester(r);
        }
        outsider = makeAddr("outsider");
        world.addHolder(faucet);
        world.addHolder(treasury);
        world.addHolder(address(registry));
        world.addHolder(market);
        world.addHolder(address(rewardEngine));
        world.addHolder(outsider);
        initialStaked = registry.totalStaked();

        miner = new MinerHandler(world);
        requesterHandler = new RequesterHandler(world);
        auditor = new AuditorHandler(world);
        keeper = new KeeperHandler(world);
        attacker = new AttackerHandler(world, outsider);
        world.addHandler(address(miner));
        world.addHandler(address(requesterHandler));
        world.addHandler(address(auditor));
        world.addHandler(address(keeper));
        world.addHandler(address(attacker));
        _target();
        // Seeds exist from the first block on.
        for (uint256 i; i < 3; ++i) {
            vm.setBlockhash(block.number, keccak256(abi.encode("block", block.number)));
            vm.roll(block.number + 1);
            vm.warp(block.timestamp + 1);
        }
        // Every campaign run starts from this state: a fixed warm-up walk leaves jobs at every stage (open,
        // leased, committed, audited, accepted, settled epochs with unclaimed work), so 50 calls reach deep
        // states (claims, disputes) instead of spending the run on creating the first job.
        _walk(keccak256("warm-up"), 120);
    }

    function _walk(bytes32 seed, uint256 steps) internal {
        uint256 rnd = uint256(seed);
        for (uint256 i; i < steps; ++i) {
            rnd = uint256(keccak256(abi.encode(rnd, i)));
            _step(rnd);
        }
    }

    function _addNodes() internal {
        // Six operators with one node each, and one operator ("mallory") with two nodes.
        address mallory = makeAddr("mallory");
        for (uint256 i; i < 8; ++i) {
            address node = makeAddr(string.concat("node", vm.toString(i)));
            address owner = i < 6 ? makeAddr(string.concat("operator", vm.toString(i))) : mallory;
            DeviceClass c = i < 6 ? DeviceClass.GPU : (i == 6 ? DeviceClass.CPU : DeviceClass.SERVER);
            _registerNode(node, owner, c, NODE_STAKE);
            world.addNode(node, owner);
        }
    }

    function _target() internal {
        targetContract(address(miner));
        targetContract(address(requesterHandler));
        targetContract(address(auditor));
        targetContract(address(keeper));
        targetContract(address(attacker));

        bytes4[] memory m = new bytes4[](10);
        m[0] = MinerHandler.lease.selector;
        m[1] = MinerHandler.commit.selector;
        m[2] = MinerHandler.reveal.selector;
        m[3] = MinerHandler.abandon.selector;
        m[4] = MinerHandler.proveUnit.selector;
        m[5] = MinerHandler.stake.selector;
        m[6] = MinerHandler.requestUnbond.selector;
        m[7] = MinerHandler.withdrawStake.selector;
        m[8] = MinerHandler.withdrawCredit.selector;
        m[9] = MinerHandler.register.selector;
        targetSelector(FuzzSelector({addr: address(miner), selectors: m}));

        bytes4[] memory r = new bytes4[](4);
        r[0] = RequesterHandler.createJob.selector;
        r[1] = RequesterHandler.cancel.selector;
        r[2] = RequesterHandler.refund.selector;
        r[3] = RequesterHandler.withdraw.selector;
        targetSelector(FuzzSelector({addr: address(requesterHandler), selectors: r}));

        bytes4[] memory a = new bytes4[](5);
        a[0] = AuditorHandler.claimSeat.selector;
        a[1] = AuditorHandler.commitAudit.selector;
        a[2] = AuditorHandler.revealAudit.selector;
        a[3] = AuditorHandler.joinCommittee.selector;
        a[4] = AuditorHandler.revealVote.selector;
        targetSelector(FuzzSelector({addr: address(auditor), selectors: a}));

        bytes4[] memory k = new bytes4[](14);
        k[0] = KeeperHandler.passTime.selector;
        k[1] = KeeperHandler.mineBlocks.selector;
        k[2] = KeeperHandler.expireSeeds.selector;
        k[3] = KeeperHandler.expire.selector;
        k[4] = KeeperHandler.forfeit.selector;
        k[5] = KeeperHandler.drawAudit.selector;
        k[6] = KeeperHandler.finalize.selector;
        k[7] = KeeperHandler.reopenStale.selector;
        k[8] = KeeperHandler.resolveDispute.selector;
        k[9] = KeeperHandler.settleEpoch.selector;
        k[10] = KeeperHandler.claim.selector;
        k[11] = KeeperHandler.unjail.selector;
        k[12] = KeeperHandler.withdrawFees.selector;
        k[13] = KeeperHandler.closeOrphan.selector;
        targetSelector(FuzzSelector({addr: address(keeper), selectors: k}));

        bytes4[] memory x = new bytes4[](6);
        x[0] = AttackerHandler.copyReveal.selector;
        x[1] = AttackerHandler.wrongReveal.selector;
        x[2] = AttackerHandler.earlyReveal.selector;
        x[3] = AttackerHandler.doubleClaim.selector;
        x[4] = AttackerHandler.sameOwnerSeat.selector;
        x[5] = AttackerHandler.unauthorized.selector;
        targetSelector(FuzzSelector({addr: address(attacker), selectors: x}));
    }

    // ================================================================ invariants

    /// @dev Emission: pool mints <= pool; each epoch mints at most its schedule; claims per epoch <= minted;
    /// per (epoch, node) at most one claim, never above the node's share of what it accrued.
    /// forge-config: default.invariant.fail-on-revert = true
    /// forge-config: deep.invariant.fail-on-revert = true
    function invariant_emissionBounded() public view {
        _checkEmission();
    }

    /// @dev Token: supply == Σ balances over every address that ever held MAI, <= cap, == genesis + pool mints
    /// - burns seen in Transfer events. Registry: balance == totalStaked == Σ (bonded + unbonding) of every
    /// node == genesis stakes + deposits - withdrawals - slashes; reputation in [0, 10000]; every node's
    /// in-flight lease collateral is locked, and locked <= bonded stake.
    /// forge-config: default.invariant.fail-on-revert = true
    /// forge-config: deep.invariant.fail-on-revert = true
    function invariant_supplyAndStakeConserved() public view {
        _checkSupply();
        _checkStake();
    }

    /// @dev Market: token balance == price escrow + audit reserves + bonds + pools + credits, each the sum of
    /// its per-job or per-account figures, and == escrow in + slashes in - burns - withdrawals; slashes taken by
    /// the registry == slashes the market reports == slash tokens received (all burned or credited).
    /// forge-config: default.invariant.fail-on-revert = true
    /// forge-config: deep.invariant.fail-on-revert = true
    function invariant_escrowAndSlashesConserved() public view {
        _checkEscrow();
    }

    /// @dev Life cycle and attacks: each batch paid at most once, no state regression within an attempt,
    /// and no attack ever succeeded.
    /// forge-config: default.invariant.fail-on-revert = true
    /// forge-config: deep.invariant.fail-on-revert = true
    function invariant_batchesPaidOnceAndAttacksFail() public view {
        _checkLifecycle();
    }

    // ================================================================ reachability

    /// @dev A fixed pseudo-random walk over the handlers (600 actions after the warm-up): the invariants hold and
    /// the interesting states are reached: accepted (and emission-earning) batches, audits, disputes resolved,
    /// slashes, reopened attempts and paid claims. Without this the invariants could hold vacuously.
    function test_handlersReachInterestingStates() public {
        for (uint256 i; i < 24; ++i) {
            _walk(keccak256(abi.encode("walk", i)), 25);
            _checkAll();
        }
        _checkAll();
        _summary();
        vm.assertGt(world.acceptedTotal(), 5, "batches accepted");
        vm.assertGt(world.emissionAccepted(), 0, "emission-earning acceptances");
        vm.assertGt(world.auditsDrawn(), 0, "audits drawn");
        vm.assertGt(world.disputesOpened(), 0, "disputes opened");
        vm.assertGt(world.disputesResolved(), 0, "disputes resolved");
        vm.assertGt(world.slashTaken(), 0, "slashes");
        vm.assertGt(world.reopened(), 0, "attempts re-opened");
        vm.assertGt(world.claimsPaid(), 0, "rewards claimed");
        vm.assertGt(world.calls("copy.revealRefused") + world.calls("wrongReveal.refused"), 0, "wrong reveals tried");
        vm.assertGt(world.calls("unauthorized.refused"), 0, "unauthorized calls tried");
    }

    function _step(uint256 rnd) internal {
        uint256 a = rnd >> 8;
        uint256 b = rnd >> 64;
        uint256 c = rnd >> 128;
        uint256 pick = rnd % 100;
        if (pick < 6) requesterHandler.createJob(a, b, c, rnd >> 32, rnd >> 160);
        else if (pick < 16) miner.lease(a, b, c);
        else if (pick < 25) miner.commit(a);
        else if (pick < 33) miner.reveal(a);
        else if (pick < 34) miner.abandon(a);
        else if (pick < 36) miner.proveUnit(a);
        else if (pick < 37) rnd % 7 == 0 ? miner.register(a, b) : miner.stake(a, b);
        else if (pick < 38) miner.requestUnbond(a, b);
        else if (pick < 39) miner.withdrawStake(a);
        else if (pick < 40) miner.withdrawCredit(a);
        else if (pick < 45) auditor.claimSeat(a);
        else if (pick < 49) auditor.commitAudit(a);
        else if (pick < 53) auditor.revealAudit(a);
        else if (pick < 56) auditor.joinCommittee(a);
        else if (pick < 58) auditor.revealVote(a);
        else if (pick < 62) keeper.passTime(a);
        else if (pick < 64) keeper.mineBlocks(a);
        else if (pick < 65) keeper.expireSeeds();
        else if (pick < 67) keeper.expire(a);
        else if (pick < 69) keeper.forfeit(a);
        else if (pick < 70) keeper.drawAudit(a);
        else if (pick < 72) keeper.finalize(a);
        else if (pick < 73) rnd % 2 == 0 ? keeper.reopenStale(a) : keeper.closeOrphan(a);
        else if (pick < 76) keeper.resolveDispute(a);
        else if (pick < 79) keeper.settleEpoch(a);
        else if (pick < 83) keeper.claim(a);
        else if (pick < 84) keeper.unjail(a);
        else if (pick < 85) keeper.withdrawFees();
        else if (pick < 86) requesterHandler.cancel(a);
        else if (pick < 88) requesterHandler.refund(a);
        else if (pick < 89) requesterHandler.withdraw(a);
        else if (pick < 91) attacker.copyReveal(a);
        else if (pick < 93) attacker.wrongReveal(a);
        else if (pick < 95) attacker.earlyReveal(a);
        else if (pick < 96) attacker.doubleClaim(a);
        else if (pick < 97) attacker.sameOwnerSeat(a);
        else attacker.unauthorized(a, b);
    }

    // ================================================================ checks

    function _checkAll() internal view {
        _checkSupply();
        _checkEmission();
        _checkStake();
        _checkEscrow();
        _checkLifecycle();
    }

    function _checkSupply() internal view {
        address[] memory holders = world.holders();
        uint256 sum;
        for (uint256 i; i < holders.length; ++i) {
            sum += token.balanceOf(holders[i]);
        }
        uint256 supply = token.totalSupply();
        assertEq(sum, supply, "supply == sum of holder balances");
        assertLe(supply, token.MAX_SUPPLY(), "supply <= cap");
        assertEq(supply, FAUCET_SUPPLY + world.ghostMinted() - world.ghostBurned(), "supply == genesis + mints - burns");
        assertEq(world.ghostMinted(), token.mintedFromPool(), "every mint is a pool mint");
    }

    function _checkEmission() internal view {
        uint256 fromPool = token.mintedFromPool();
        assertLe(fromPool, token.miningPool(), "mintedFromPool <= pool");
        assertEq(fromPool, rewardEngine.totalClaimed(), "pool mints == claims");
        assertLe(rewardEngine.totalClaimed(), rewardEngine.totalScheduled(), "claimed <= scheduled");
        assertLe(rewardEngine.totalScheduled(), MINING_POOL, "scheduled <= pool");
        IProtocolConfig.RewardParams memory rp = config.rewardParams();
        Emission.Params memory p = Emission.Params({
            e0: rp.e0,
            alphaWad: rp.alphaWad,
            halfLifeEpochs: rp.halfLifeEpochs,
            d0: rp.d0,
            doublingEpochs: rp.doublingEpochs
        });
        address[] memory nodes = world.nodes();
        for (uint256 i; i < nodes.length; ++i) {
            uint256[] memory epochs = world.workEpochs(nodes[i]);
            for (uint256 j; j < epochs.length; ++j) {
                uint256 e = epochs[j];
                (uint256 work, uint256 minted) = rewardEngine.epochInfo(e);
                // The full schedule (baseline met, no effective time spent) bounds every epoch.
                (uint256 schedule,) = Emission.epochEmission(p, e, 0, type(uint128).max);
                assertLe(minted, schedule, "epoch minted <= its schedule");
                assertLe(world.claimedInEpoch(e), minted, "claimed in epoch <= minted");
                assertLe(world.claimCount(e, nodes[i]), 1, "a node claims an epoch once");
                (uint256 weight, bool claimed) = rewardEngine.nodeEpochWeight(e, nodes[i]);
                assertEq(weight, world.accrued(e, nodes[i]), "node weight == accrued");
                assertTrue(claimed == (world.claimCount(e, nodes[i]) == 1), "claim flag == claims seen");
                uint256 share = work == 0 ? 0 : Math.mulDiv(minted, weight, work);
                assertLe(world.claimedOf(e, nodes[i]), share, "claimed <= accrued share");
            }
        }
    }

    function _checkStake() internal view {
        address[] memory nodes = world.nodes();
        uint256 sum;
        uint256[] memory inFlight = new uint256[](nodes.length);
        uint256[] memory refs = world.refs();
        for (uint256 k; k < refs.length; ++k) {
            // Only batches the mirror shows in flight are read (the mirror is checked against the contract by
            // every handler call that touches a batch).
            uint8 mirrored = world.stateOf(refs[k]);
            if (mirrored == uint8(BatchState.Open) || mirrored >= uint8(BatchState.Accepted)) continue;
            IJobMarketTypes.BatchView memory b = jobMarket.getBatch(BatchRef.wrap(refs[k]));
            if (b.state == BatchState.Open || b.state >= BatchState.Accepted) continue;
            for (uint256 i; i < nodes.length; ++i) {
                if (nodes[i] == b.node) inFlight[i] += b.collateral;
            }
        }
        for (uint256 i; i < nodes.length; ++i) {
            INodeRegistry.NodeView memory v = registry.getNode(nodes[i]);
            sum += v.stake + v.unbonding;
            assertLe(v.reputation, 10_000, "reputation <= 10000");
            assertLe(v.locked, v.stake, "locked <= bonded stake");
            assertLe(inFlight[i], v.locked, "in-flight lease collateral is locked");
        }
        uint256 held = token.balanceOf(address(registry));
        assertEq(held, registry.totalStaked(), "registry balance == totalStaked");
        assertEq(held, sum, "registry balance == sum of active + unbonding stake");
        assertEq(held, initialStaked + world.registryIn() - world.registryOut(), "stake flows");
    }

    function _checkEscrow() internal view {
        (uint256 e, uint256 r, uint256 bnd, uint256 pl, uint256 cr) = jobMarket.escrowTotals();
        uint256 balance = token.balanceOf(market);
        assertEq(balance, e + r + bnd + pl + cr, "market balance == escrow + reserves + bonds + pools + credits");
        uint256[] memory jobs = world.jobs();
        uint256[4] memory sums;
        for (uint256 i; i < jobs.length; ++i) {
            IJobMarketTypes.JobView memory j = jobMarket.getJob(jobs[i]);
            assertLe(j.lockedValue, j.escrow, "in-flight value <= escrow");
            sums[0] += j.escrow;
            sums[1] += j.auditReserve;
            sums[2] += j.bond;
            sums[3] += j.compensationPool;
        }
        assertEq(sums[0], e, "price escrow == sum over jobs");
        assertEq(sums[1], r, "reserves == sum over jobs");
        assertEq(sums[2], bnd, "bonds == sum over jobs");
        assertEq(sums[3], pl, "pools == sum over jobs");
        address[] memory holders = world.holders();
        uint256 credits;
        for (uint256 i; i < holders.length; ++i) {
            credits += jobMarket.creditOf(holders[i]);
        }
        assertEq(credits, cr, "credits == sum over accounts");
        assertEq(world.marketOtherIn(), 0, "tokens reach the market only as escrow or slashes");
        assertEq(
            balance,
            world.marketEscrowIn() + world.marketSlashIn() - world.marketBurnOut() - world.marketWithdrawOut(),
            "market token flows"
        );
        assertEq(world.slashTaken(), world.marketSlashIn(), "slashed stake reaches the market");
        assertEq(world.slashTaken(), world.slashReported(), "slashed == what the market burns or pays out");
    }

    function _checkLifecycle() internal view {
        uint256[] memory refs = world.refs();
        for (uint256 k; k < refs.length; ++k) {
            assertLe(world.acceptedCount(refs[k]), 1, "a batch is paid at most once");
        }
        assertEq(world.stateRegressions(), 0, "state only moves forward within an attempt");
        assertEq(world.badRevealsAccepted(), 0, "reveals only match their own commit");
        assertEq(world.earlyRevealsAccepted(), 0, "no reveal before the audit commit");
        assertEq(world.doubleClaimsAccepted(), 0, "no double claim");
        assertEq(world.unauthorizedAccepted(), 0, "no unauthorized call succeeds");
        assertEq(world.sameOwnerSeatsAccepted(), 0, "never audited by the same owner");
        assertEq(world.freezesMiscounted(), 0, "a freeze counts each abandoning owner once");
    }

    function _summary() internal view {
        console.log("jobs", world.jobCount());
        console.log("batches", world.refCount());
        console.log("accepted", world.acceptedTotal());
        console.log("accepted with emission", world.emissionAccepted());
        console.log("audits drawn", world.auditsDrawn());
        console.log("audits forced", world.auditsForced());
        console.log("disputes opened", world.disputesOpened());
        console.log("disputes resolved", world.disputesResolved());
        console.log("attempts reopened", world.reopened());
        console.log("jobs frozen", world.frozen());
        console.log("slashed", world.slashTaken());
        console.log("claims paid", world.claimsPaid());
        bytes32[] memory names = world.callNames();
        for (uint256 i; i < names.length; ++i) {
            console.log(string(abi.encodePacked(names[i])), world.calls(names[i]));
        }
    }
}
