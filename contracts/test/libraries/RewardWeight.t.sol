// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Test} from "../utils/Test.sol";
import {RewardWeight} from "../../src/libraries/RewardWeight.sol";

contract RewardWeightTest is Test {
    uint256 internal constant WAD = 1e18;

    function test_quality_endpoints() public pure {
        assertEq(RewardWeight.quality(0), 0.5e18);
        assertEq(RewardWeight.quality(5000), 0.85e18);
        assertEq(RewardWeight.quality(10_000), 1.2e18);
        assertEq(RewardWeight.quality(50_000), 1.2e18); // clamped
    }

    function testFuzz_quality_monotoneAndBounded(uint256 a, uint256 b) public pure {
        a = bound(a, 0, 20_000);
        b = bound(b, 0, 20_000);
        if (a > b) (a, b) = (b, a);
        uint256 qa = RewardWeight.quality(a);
        assertLe(qa, RewardWeight.quality(b));
        assertGe(qa, 0.5e18);
        assertLe(RewardWeight.quality(b), 1.2e18);
    }

    function test_stakeBoost_endpoints() public pure {
        assertEq(RewardWeight.stakeBoost(0, 100 ether), WAD);
        assertEq(RewardWeight.stakeBoost(50 ether, 100 ether), 1.125e18);
        assertEq(RewardWeight.stakeBoost(100 ether, 100 ether), 1.25e18);
        assertEq(RewardWeight.stakeBoost(1e30, 100 ether), 1.25e18);
        assertEq(RewardWeight.stakeBoost(0, 0), 1.25e18); // no reference: full boost
    }

    function testFuzz_stakeBoost_monotoneAndBounded(uint256 s1, uint256 s2, uint256 ref) public pure {
        ref = bound(ref, 0, 1e30);
        s1 = bound(s1, 0, 1e31);
        s2 = bound(s2, 0, 1e31);
        if (s1 > s2) (s1, s2) = (s2, s1);
        uint256 b1 = RewardWeight.stakeBoost(s1, ref);
        uint256 b2 = RewardWeight.stakeBoost(s2, ref);
        assertLe(b1, b2);
        assertGe(b1, WAD);
        assertLe(b2, 1.25e18);
    }

    function test_weight_examples() public pure {
        assertEq(RewardWeight.weight(1, 10_000, 1, 1), 1.5e18);
        assertEq(RewardWeight.weight(1, 0, 0, 1), 0.5e18);
        assertEq(RewardWeight.weight(1000, 2000, 0, 1), 1000 * 0.64e18);
        assertEq(RewardWeight.weight(0, 10_000, 1, 1), 0);
    }

    function testFuzz_weight_withinHalfAndOneAndAHalfCU(uint256 cu, uint256 rep, uint256 stake, uint256 ref)
        public
        pure
    {
        cu = bound(cu, 0, 1e40);
        rep = bound(rep, 0, 10_000);
        ref = bound(ref, 0, 1e30);
        stake = bound(stake, 0, 1e31);
        uint256 w = RewardWeight.weight(cu, rep, stake, ref);
        assertGe(w, cu * 0.5e18);
        assertLe(w, cu * 1.5e18);
        // exact definition: cu * Q * B / 1e18, rounded down
        assertEq(w, (cu * RewardWeight.quality(rep) * RewardWeight.stakeBoost(stake, ref)) / WAD);
    }

    function testFuzz_weight_monotone(uint256 cu, uint256 rep1, uint256 rep2, uint256 s1, uint256 s2) public pure {
        cu = bound(cu, 0, 1e30);
        rep1 = bound(rep1, 0, 10_000);
        rep2 = bound(rep2, rep1, 10_000);
        s1 = bound(s1, 0, 1e24);
        s2 = bound(s2, s1, 1e24);
        assertLe(RewardWeight.weight(cu, rep1, s1, 1e21), RewardWeight.weight(cu, rep2, s2, 1e21));
        assertLe(RewardWeight.weight(cu, rep1, s1, 1e21), RewardWeight.weight(cu + 1, rep1, s1, 1e21));
    }
}
