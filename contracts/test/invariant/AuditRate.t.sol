// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Test} from "../utils/Test.sol";
import {Sortition} from "../../src/libraries/Sortition.sol";

/// @dev The audit rate the market draws (Sortition.drawAudit with the probability fixed at lease time) never
/// falls under the minimum: over many fuzzed seeds, for any reputation and requester floor, the observed rate
/// stays within sampling error of max(minAuditBps, pAudit(rep)) >= pMin, and the drawn unit is in range.
contract AuditRateTest is Test {
    uint256 internal constant SAMPLES = 1_500;
    uint256 internal constant P_MIN = 500;
    uint256 internal constant P_MAX = 5_000;

    function testFuzz_auditRate_atLeastTheMinimum(bytes32 salt, uint16 rep, uint16 floor, uint8 units) public pure {
        uint256 r = bound(rep, 0, 10_000);
        uint256 f = bound(floor, 0, 10_000);
        uint256 n = bound(units, 1, 64);
        uint256 p = Sortition.auditProbabilityBps(r, P_MIN, P_MAX, f);
        assertGe(p, P_MIN, "probability >= pMin");
        assertGe(p, f, "probability >= requester floor");
        uint256 audited;
        for (uint256 i; i < SAMPLES; ++i) {
            (bool a, uint256 unit) = Sortition.drawAudit(keccak256(abi.encode(salt, i)), p, n);
            if (a) ++audited;
            assertLt(unit, n);
        }
        // Binomial: mean SAMPLES*p, sd <= sqrt(SAMPLES/4) ~ 19.4 draws; 5 sd below the mean fails ~3e-7 per run.
        uint256 expected = SAMPLES * p / 10_000;
        uint256 slack = 5 * _sqrt(SAMPLES * p * (10_000 - p) / 1e8) + 1;
        assertGe(audited + slack, expected, "observed audit rate >= minimum - 5 sd");
        if (p == 10_000) assertEq(audited, SAMPLES, "floor 100% audits everything");
    }

    function _sqrt(uint256 x) private pure returns (uint256 y) {
        if (x == 0) return 0;
        y = x;
        uint256 z = (x + 1) / 2;
        while (z < y) {
            y = z;
            z = (x / z + z) / 2;
        }
    }
}
