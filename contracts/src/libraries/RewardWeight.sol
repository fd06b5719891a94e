// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {FixedPointMathLib} from "solady/utils/FixedPointMathLib.sol";

/// @title RewardWeight
/// @notice Emission weight of verified compute: w = CU * Q(rep) * B(stake).
/// @dev Q in [0.5, 1.2] rewards a track record, B in [1, 1.25] lets stake help without letting capital
/// dominate, so w is within [0.5, 1.5] * CU (in WAD units: 1 CU at Q = B = 1 weighs 1e18). Rounded down.
library RewardWeight {
    uint256 internal constant WAD = 1e18;
    uint256 internal constant MAX_REP_BPS = 10_000;

    /// @notice Quality factor Q = 0.5 + 0.7 * rep / 10000 (WAD); rep above 10000 counts as 10000.
    /// @param repBps Reputation in basis points.
    /// @return qWad Q in WAD, exact.
    function quality(uint256 repBps) internal pure returns (uint256 qWad) {
        if (repBps > MAX_REP_BPS) repBps = MAX_REP_BPS;
        // 0.7e18 / 1e4 = 7e13 exactly, and repBps <= 1e4, so no rounding and no overflow.
        unchecked {
            qWad = 5e17 + 7e13 * repBps;
        }
    }

    /// @notice Stake boost B = 1 + 0.25 * min(1, stake / stakeRef) (WAD), rounded down; stakeRef = 0 gives the full boost.
    /// @param stake The node's bonded stake.
    /// @param stakeRef Stake at which the boost saturates.
    /// @return bWad B in WAD.
    function stakeBoost(uint256 stake, uint256 stakeRef) internal pure returns (uint256 bWad) {
        if (stake >= stakeRef) return 125e16;
        // stake < stakeRef here, so the quotient is < 0.25e18.
        return WAD + FixedPointMathLib.fullMulDiv(25e16, stake, stakeRef);
    }

    /// @notice Weight cu * Q * B, WAD-scaled (cu * qWad * bWad / 1e18), rounded down.
    /// @param cu Compute units.
    /// @param repBps Reputation in basis points.
    /// @param stake The node's bonded stake.
    /// @param stakeRef Stake at which the boost saturates.
    /// @return The weight in WAD units per CU.
    function weight(uint256 cu, uint256 repBps, uint256 stake, uint256 stakeRef) internal pure returns (uint256) {
        // qWad * bWad <= 1.2e18 * 1.25e18 = 1.5e36, far below 2^256.
        return FixedPointMathLib.fullMulDiv(cu, quality(repBps) * stakeBoost(stake, stakeRef), WAD);
    }
}
