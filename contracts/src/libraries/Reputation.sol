// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Reputation
/// @notice Pure reputation rules (basis points, [0, 10000]).
/// @dev Gains approach 10000 geometrically and are rounded down; losses are rounded toward the protocol
/// (an expiry takes ceil(rep/8), a lost dispute keeps floor(rep/2)). Inputs above 10000 count as 10000,
/// so every output stays in range.
library Reputation {
    uint256 internal constant MAX_REP = 10_000;

    /// @notice A passed audit: rep + (10000 - rep) / 16.
    /// @param rep Current reputation.
    /// @return New reputation.
    function onAuditPassed(uint256 rep) internal pure returns (uint256) {
        if (rep >= MAX_REP) return MAX_REP;
        return rep + (MAX_REP - rep) / 16;
    }

    /// @notice An unaudited acceptance: rep + (10000 - rep) / 256.
    /// @param rep Current reputation.
    /// @return New reputation.
    function onAccepted(uint256 rep) internal pure returns (uint256) {
        if (rep >= MAX_REP) return MAX_REP;
        return rep + (MAX_REP - rep) / 256;
    }

    /// @notice An expired lease: rep - ceil(rep / 8).
    /// @param rep Current reputation.
    /// @return New reputation.
    function onExpired(uint256 rep) internal pure returns (uint256) {
        if (rep > MAX_REP) rep = MAX_REP;
        return rep - (rep + 7) / 8;
    }

    /// @notice A lost dispute or withheld reveal: floor(rep / 2).
    /// @param rep Current reputation.
    /// @return New reputation.
    function onDisputeLost(uint256 rep) internal pure returns (uint256) {
        if (rep > MAX_REP) rep = MAX_REP;
        return rep / 2;
    }
}
