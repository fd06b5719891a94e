// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Test} from "../utils/Test.sol";
import {Reputation} from "../../src/libraries/Reputation.sol";

contract ReputationTest is Test {
    function test_rules_examples() public pure {
        assertEq(Reputation.onAuditPassed(2000), 2500);
        assertEq(Reputation.onAccepted(2000), 2031); // + 8000/256 = 31.25, rounded down
        assertEq(Reputation.onExpired(2000), 1750);
        assertEq(Reputation.onExpired(9), 7); // loss ceil(9/8) = 2, rounded toward the protocol
        assertEq(Reputation.onDisputeLost(2001), 1000);
        assertEq(Reputation.onAuditPassed(10_000), 10_000);
        assertEq(Reputation.onExpired(0), 0);
    }

    function testFuzz_rules_stayInRangeAndMoveTheRightWay(uint256 rep) public pure {
        rep = bound(rep, 0, 20_000);
        uint256 r = rep > 10_000 ? 10_000 : rep;
        uint256 passed = Reputation.onAuditPassed(rep);
        uint256 accepted = Reputation.onAccepted(rep);
        uint256 expired = Reputation.onExpired(rep);
        uint256 lost = Reputation.onDisputeLost(rep);
        assertLe(passed, 10_000);
        assertGe(passed, accepted);
        assertGe(accepted, r);
        assertLe(expired, r);
        assertEq(lost, r / 2);
        assertEq(passed, r + (10_000 - r) / 16);
        assertEq(accepted, r + (10_000 - r) / 256);
        assertEq(expired, r - (r + 7) / 8);
        if (r > 0) assertLt(expired, r);
    }

    function testFuzz_rules_monotone(uint256 a, uint256 b) public pure {
        a = bound(a, 0, 10_000);
        b = bound(b, a, 10_000);
        assertLe(Reputation.onAuditPassed(a), Reputation.onAuditPassed(b));
        assertLe(Reputation.onAccepted(a), Reputation.onAccepted(b));
        assertLe(Reputation.onExpired(a), Reputation.onExpired(b));
        assertLe(Reputation.onDisputeLost(a), Reputation.onDisputeLost(b));
    }

    function test_auditsConvergeTowardFullTrust() public pure {
        uint256 rep = 2000;
        for (uint256 i; i < 200; ++i) rep = Reputation.onAuditPassed(rep);
        assertGe(rep, 9985); // stops where (10000 - rep) / 16 rounds to 0
        assertLe(rep, 10_000);
    }
}
