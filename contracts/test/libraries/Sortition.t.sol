// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Test} from "../utils/Test.sol";
import {Sortition} from "../../src/libraries/Sortition.sol";
import {MathHarness} from "../harness/MathHarness.sol";

contract SortitionTest is Test {
    uint256 internal constant WAD = 1e18;
    MathHarness internal h;

    function setUp() public {
        h = new MathHarness();
    }

    // ---- score / isEligible ----

    function testFuzz_score_isKeccakOfAbiEncode(bytes32 seed, address node) public pure {
        assertEq(Sortition.score(seed, node), uint256(keccak256(abi.encode(seed, node))));
    }

    function testFuzz_isEligible_edgesAndMonotone(bytes32 seed, address node, uint256 p1, uint256 p2) public pure {
        assertTrue(Sortition.isEligible(seed, node, WAD));
        assertTrue(Sortition.isEligible(seed, node, type(uint256).max));
        assertFalse(Sortition.isEligible(seed, node, 0));
        p1 = bound(p1, 0, 2 * WAD);
        p2 = bound(p2, p1, 2 * WAD);
        if (Sortition.isEligible(seed, node, p1)) assertTrue(Sortition.isEligible(seed, node, p2));
    }

    function testFuzz_isEligible_matchesScoreScale(bytes32 seed, address node, uint256 p) public pure {
        p = bound(p, 0, WAD - 1);
        uint256 s = Sortition.score(seed, node);
        assertEq(Sortition.isEligible(seed, node, p), s < p * (type(uint256).max / WAD));
    }

    function test_isEligible_frequencyMatchesProbability() public pure {
        uint256 hits;
        bytes32 seed = keccak256("batch 7 attempt 0");
        for (uint256 i; i < 2000; ++i) {
            if (Sortition.isEligible(seed, address(uint160(i + 1)), 0.3e18)) ++hits;
        }
        assertGe(hits, 520); // 600 expected, sd ~20
        assertLe(hits, 680);
    }

    // ---- threshold ----

    function test_threshold_examples() public pure {
        (uint256 p, bool w) = Sortition.threshold(3, 10, 100, 0, 60);
        assertEq(p, 0.3e18);
        assertFalse(w);
        (p, w) = Sortition.threshold(3, 10, 100, 59, 60);
        assertEq(p, 0.3e18);
        assertFalse(w);
        (p, w) = Sortition.threshold(3, 10, 100, 60, 60);
        assertEq(p, 0.6e18);
        assertTrue(w);
        (p, w) = Sortition.threshold(3, 10, 100, 120, 60);
        assertEq(p, WAD);
        assertTrue(w);
        (p, w) = Sortition.threshold(3, 50, 100, 1000, 60); // already 1: not widened
        assertEq(p, WAD);
        assertFalse(w);
        (p, w) = Sortition.threshold(3, 0, 100, 1000, 60);
        assertEq(p, 0);
        assertFalse(w);
        (p, w) = Sortition.threshold(3, 1, 100, 1e9, 0); // widening disabled
        assertEq(p, 0.03e18);
        assertFalse(w);
    }

    function testFuzz_threshold_boundedAndMonotoneInElapsed(
        uint256 k,
        uint256 w,
        uint256 total,
        uint256 e1,
        uint256 e2,
        uint256 period
    ) public pure {
        k = bound(k, 0, 100);
        total = bound(total, 1, 1e40);
        w = bound(w, 0, total);
        period = bound(period, 0, 1e6);
        e1 = bound(e1, 0, 1e9);
        e2 = bound(e2, e1, 1e9);
        (uint256 p1, bool w1) = Sortition.threshold(k, w, total, e1, period);
        (uint256 p2,) = Sortition.threshold(k, w, total, e2, period);
        (uint256 base,) = Sortition.threshold(k, w, total, 0, period);
        assertLe(p1, WAD);
        assertLe(p1, p2);
        assertLe(base, p1);
        uint256 expectedBase = k * w * WAD / total;
        assertEq(base, expectedBase > WAD ? WAD : expectedBase);
        if (w1) {
            assertGe(e1, period);
            assertGt(p1, base);
        } else {
            assertEq(p1, base);
        }
    }

    function testFuzz_threshold_monotoneInWeight(uint256 w1, uint256 w2, uint256 total, uint256 elapsed) public pure {
        total = bound(total, 1, 1e30);
        w1 = bound(w1, 0, total);
        w2 = bound(w2, w1, total);
        elapsed = bound(elapsed, 0, 1000);
        (uint256 p1,) = Sortition.threshold(3, w1, total, elapsed, 100);
        (uint256 p2,) = Sortition.threshold(3, w2, total, elapsed, 100);
        assertLe(p1, p2);
    }

    // ---- checkLease ----

    function testFuzz_checkLease_widenedOnlyWhenBaseFails(bytes32 seed, address node, uint256 w, uint256 elapsed)
        public
        pure
    {
        w = bound(w, 1, 1000);
        elapsed = bound(elapsed, 0, 1000);
        (bool eligible, bool widened) = Sortition.checkLease(seed, node, 3, w, 10_000, elapsed, 100);
        (uint256 base,) = Sortition.threshold(3, w, 10_000, 0, 100);
        (uint256 p,) = Sortition.threshold(3, w, 10_000, elapsed, 100);
        bool atBase = Sortition.isEligible(seed, node, base);
        assertEq(eligible, Sortition.isEligible(seed, node, p));
        assertEq(widened, eligible && !atBase);
    }

    // ---- auditProbabilityBps ----

    function test_auditProbability_examples() public pure {
        assertEq(Sortition.auditProbabilityBps(0, 500, 5000, 0), 5000);
        assertEq(Sortition.auditProbabilityBps(10_000, 500, 5000, 0), 500);
        assertEq(Sortition.auditProbabilityBps(5000, 500, 5000, 0), 2750);
        assertEq(Sortition.auditProbabilityBps(9999, 500, 5000, 0), 501); // 0.45 rounded up
        assertEq(Sortition.auditProbabilityBps(10_000, 500, 5000, 2000), 2000);
        assertEq(Sortition.auditProbabilityBps(0, 500, 5000, 20_000), 10_000);
    }

    function testFuzz_auditProbability_boundsAndMonotone(
        uint256 r1,
        uint256 r2,
        uint256 pMin,
        uint256 pMax,
        uint256 minAudit
    ) public pure {
        pMin = bound(pMin, 0, 10_000);
        pMax = bound(pMax, pMin, 10_000);
        minAudit = bound(minAudit, 0, 10_000);
        r1 = bound(r1, 0, 10_000);
        r2 = bound(r2, r1, 10_000);
        uint256 a = Sortition.auditProbabilityBps(r1, pMin, pMax, minAudit);
        uint256 b = Sortition.auditProbabilityBps(r2, pMin, pMax, minAudit);
        uint256 lo = pMin > minAudit ? pMin : minAudit;
        uint256 hi = pMax > minAudit ? pMax : minAudit;
        assertGe(b, lo);
        assertLe(a, hi);
        assertGe(a, b); // better reputation, fewer audits
        // never below the exact real-valued probability (rounded up toward auditing)
        assertGe(a * 10_000, pMin * 10_000 + (pMax - pMin) * (10_000 - r1));
    }

    function test_RevertWhen_auditBoundsInverted() public {
        vm.expectRevert(abi.encodeWithSelector(Sortition.InvertedAuditBounds.selector, uint256(600), uint256(500)));
        h.auditProbabilityBps(0, 600, 500, 0);
    }

    // ---- drawAudit ----

    function testFuzz_drawAudit_edges(bytes32 seed, uint256 units) public pure {
        units = bound(units, 0, 1e6);
        (bool never, uint256 i) = Sortition.drawAudit(seed, 0, units);
        (bool always,) = Sortition.drawAudit(seed, 10_000, units);
        assertFalse(never);
        assertTrue(always);
        if (units == 0) assertEq(i, 0);
        else assertLt(i, units);
    }

    function testFuzz_drawAudit_monotoneInProbability(bytes32 seed, uint256 p1, uint256 p2) public pure {
        p1 = bound(p1, 0, 10_000);
        p2 = bound(p2, p1, 10_000);
        (bool a, uint256 i1) = Sortition.drawAudit(seed, p1, 32);
        (bool b, uint256 i2) = Sortition.drawAudit(seed, p2, 32);
        if (a) assertTrue(b);
        assertEq(i1, i2); // the unit does not depend on the probability
    }

    function test_drawAudit_frequencies() public pure {
        uint256 audited;
        uint256[4] memory perUnit;
        for (uint256 i; i < 4000; ++i) {
            (bool a, uint256 u) = Sortition.drawAudit(keccak256(abi.encode(i)), 1500, 4);
            if (a) ++audited;
            ++perUnit[u];
        }
        assertGe(audited, 520); // 600 expected, sd ~23
        assertLe(audited, 680);
        for (uint256 u; u < 4; ++u) {
            assertGe(perUnit[u], 880); // 1000 expected, sd ~27
            assertLe(perUnit[u], 1120);
        }
    }
}
