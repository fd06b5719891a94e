// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {FixedPointMathLib} from "solady/utils/FixedPointMathLib.sol";

/// @title Sortition
/// @notice Weighted sortition for leases and the audit draw.
/// @dev A node may lease a batch when score(seed, node) / 2^256 < p, p = min(1, k * w / W), so about k
/// nodes are eligible per batch and each node's chance is proportional to its weight. The threshold
/// doubles for every full widening period the batch stays open, so nothing is stranded; a lease that
/// needed the widening earns fees only (see `checkLease`). The audit draw uses disjoint bits of one seed
/// for "audited?" and "which unit", so the two outcomes are independent.
library Sortition {
    uint256 internal constant WAD = 1e18;
    uint256 internal constant BPS = 10_000;
    /// @dev floor((2^256 - 1) / 1e18): one WAD step of probability on the 2^256 score scale.
    uint256 internal constant SCORE_PER_WAD = type(uint256).max / WAD;

    /// @notice Thrown when the audit probability bounds are inverted.
    error InvertedAuditBounds(uint256 pMinBps, uint256 pMaxBps);

    /// @notice A node's pseudo-random score for a seed: uint256(keccak256(abi.encode(seed, node))).
    /// @param seed Randomness of the batch attempt.
    /// @param node The node's hot key.
    /// @return s The score.
    function score(bytes32 seed, address node) internal pure returns (uint256 s) {
        assembly ("memory-safe") {
            mstore(0x00, seed)
            mstore(0x20, and(node, 0xffffffffffffffffffffffffffffffffffffffff))
            s := keccak256(0x00, 0x40)
        }
    }

    /// @notice Lease probability (WAD): min(1, k*w/W), doubled for every full `widenPeriod` in `elapsed`, capped at 1.
    /// @dev Zero node weight gives 0 (an inactive node never leases); W <= w gives 1. `widened` is true when at
    /// least one doubling raised p (a node already at p = 1 is not widened). widenPeriod = 0 disables widening.
    /// @param k Expected number of eligible nodes.
    /// @param nodeWeight The node's assignment weight.
    /// @param totalWeight Active weight of the admitted device classes.
    /// @param elapsed Time (seconds or blocks, as the caller counts) the batch has been open.
    /// @param widenPeriod Time per doubling.
    /// @return pWad Probability in WAD.
    /// @return widened Whether a doubling was applied.
    function threshold(uint256 k, uint256 nodeWeight, uint256 totalWeight, uint256 elapsed, uint256 widenPeriod)
        internal
        pure
        returns (uint256 pWad, bool widened)
    {
        if (k == 0 || nodeWeight == 0) return (0, false);
        if (nodeWeight >= totalWeight) return (WAD, false);
        // nodeWeight < totalWeight, so k * 1e18 * w / W < k * 1e18: no overflow for any sane k.
        pWad = FixedPointMathLib.fullMulDiv(k * WAD, nodeWeight, totalWeight);
        if (pWad >= WAD) return (WAD, false);
        if (widenPeriod == 0) return (pWad, false);
        uint256 doublings = elapsed / widenPeriod;
        if (doublings == 0 || pWad == 0) return (pWad, false);
        // pWad < 2^60, so 64 doublings always reach 1 and smaller shifts cannot overflow.
        pWad = doublings >= 64 ? WAD : FixedPointMathLib.min(WAD, pWad << doublings);
        widened = true;
    }

    /// @notice Whether the node's score falls under probability `pWad` (pWad >= 1e18 always passes).
    /// @param seed Randomness of the batch attempt.
    /// @param node The node's hot key.
    /// @param pWad Probability in WAD.
    /// @return True if eligible.
    function isEligible(bytes32 seed, address node, uint256 pWad) internal pure returns (bool) {
        if (pWad >= WAD) return true;
        // pWad < 1e18, so the product stays below 2^256.
        return score(seed, node) < pWad * SCORE_PER_WAD;
    }

    /// @notice Lease check in one call: eligible under the (possibly widened) threshold, and whether it
    /// needed the widening (then the lease earns fees only).
    /// @param seed Randomness of the batch attempt.
    /// @param node The node's hot key.
    /// @param k Expected number of eligible nodes.
    /// @param nodeWeight The node's assignment weight.
    /// @param totalWeight Active weight of the admitted device classes.
    /// @param elapsed Time the batch has been open.
    /// @param widenPeriod Time per doubling.
    /// @return eligible The node may lease.
    /// @return widened The node is eligible only thanks to the widening.
    function checkLease(
        bytes32 seed,
        address node,
        uint256 k,
        uint256 nodeWeight,
        uint256 totalWeight,
        uint256 elapsed,
        uint256 widenPeriod
    ) internal pure returns (bool eligible, bool widened) {
        (uint256 base,) = threshold(k, nodeWeight, totalWeight, 0, widenPeriod);
        if (isEligible(seed, node, base)) return (true, false);
        (uint256 p, bool w) = threshold(k, nodeWeight, totalWeight, elapsed, widenPeriod);
        if (!w) return (false, false);
        eligible = isEligible(seed, node, p);
        widened = eligible;
    }

    /// @notice Audit probability max(minAuditBps, pMin + (pMax - pMin) * (1 - rep/10000)) in bps, rounded up, capped at 10000.
    /// @param repBps Reputation in basis points (above 10000 counts as 10000).
    /// @param pMinBps Probability for a perfect reputation.
    /// @param pMaxBps Probability for reputation 0.
    /// @param minAuditBps The requester's floor.
    /// @return Probability in bps.
    function auditProbabilityBps(uint256 repBps, uint256 pMinBps, uint256 pMaxBps, uint256 minAuditBps)
        internal
        pure
        returns (uint256)
    {
        if (pMaxBps < pMinBps) revert InvertedAuditBounds(pMinBps, pMaxBps);
        if (repBps > BPS) repBps = BPS;
        uint256 p = pMinBps + FixedPointMathLib.fullMulDivUp(pMaxBps - pMinBps, BPS - repBps, BPS);
        if (p < minAuditBps) p = minAuditBps;
        return p > BPS ? BPS : p;
    }

    /// @notice Draws from one seed whether a batch is audited (probability probBps/10000) and which unit.
    /// @dev The low 128 bits decide the audit, the high 128 bits the unit, so the two are independent.
    /// The modulo bias is below 2^-100. units = 0 gives unit 0.
    /// @param seed Randomness drawn after the commit.
    /// @param probBps Audit probability in bps.
    /// @param units Units in the batch.
    /// @return audited Whether the batch is audited.
    /// @return unitIndex The unit to audit, in [0, units).
    function drawAudit(bytes32 seed, uint256 probBps, uint256 units)
        internal
        pure
        returns (bool audited, uint256 unitIndex)
    {
        uint256 r = uint256(seed);
        audited = (r & type(uint128).max) % BPS < probBps;
        unitIndex = units == 0 ? 0 : (r >> 128) % units;
    }
}
