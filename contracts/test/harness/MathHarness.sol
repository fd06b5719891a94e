// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Emission} from "../../src/libraries/Emission.sol";
import {IndexedMerkle} from "../../src/libraries/IndexedMerkle.sol";
import {Reputation} from "../../src/libraries/Reputation.sol";
import {RewardWeight} from "../../src/libraries/RewardWeight.sol";
import {Sortition} from "../../src/libraries/Sortition.sol";

/// @title MathHarness
/// @notice Exposes every protocol math library function externally, for calldata-taking functions in
/// Solidity tests and for the TypeScript differential test (which calls it through eth_call on anvil).
contract MathHarness {
    function exp2(int256 xWad) external pure returns (uint256) {
        return Emission.exp2(xWad);
    }

    function baseline(Emission.Params memory p, uint256 thetaWad) external pure returns (uint256) {
        return Emission.baseline(p, thetaWad);
    }

    function epochEmission(Emission.Params memory p, uint256 epoch, uint256 thetaWad, uint256 work)
        external
        pure
        returns (uint256 minted, uint256 newThetaWad)
    {
        return Emission.epochEmission(p, epoch, thetaWad, work);
    }

    function decayedSum(Emission.Params memory p, uint256 fromEpoch, uint256 count) external pure returns (uint256) {
        return Emission.decayedSum(p, fromEpoch, count);
    }

    function quality(uint256 repBps) external pure returns (uint256) {
        return RewardWeight.quality(repBps);
    }

    function stakeBoost(uint256 stake, uint256 stakeRef) external pure returns (uint256) {
        return RewardWeight.stakeBoost(stake, stakeRef);
    }

    function weight(uint256 cu, uint256 repBps, uint256 stake, uint256 stakeRef) external pure returns (uint256) {
        return RewardWeight.weight(cu, repBps, stake, stakeRef);
    }

    function score(bytes32 seed, address node) external pure returns (uint256) {
        return Sortition.score(seed, node);
    }

    function threshold(uint256 k, uint256 nodeWeight, uint256 totalWeight, uint256 elapsed, uint256 widenPeriod)
        external
        pure
        returns (uint256 pWad, bool widened)
    {
        return Sortition.threshold(k, nodeWeight, totalWeight, elapsed, widenPeriod);
    }

    function isEligible(bytes32 seed, address node, uint256 pWad) external pure returns (bool) {
        return Sortition.isEligible(seed, node, pWad);
    }

    function checkLease(
        bytes32 seed,
        address node,
        uint256 k,
        uint256 nodeWeight,
        uint256 totalWeight,
        uint256 elapsed,
        uint256 widenPeriod
    ) external pure returns (bool eligible, bool widened) {
        return Sortition.checkLease(seed, node, k, nodeWeight, totalWeight, elapsed, widenPeriod);
    }

    function auditProbabilityBps(uint256 repBps, uint256 pMinBps, uint256 pMaxBps, uint256 minAuditBps)
        external
        pure
        returns (uint256)
    {
        return Sortition.auditProbabilityBps(repBps, pMinBps, pMaxBps, minAuditBps);
    }

    function drawAudit(bytes32 seed, uint256 probBps, uint256 units)
        external
        pure
        returns (bool audited, uint256 unitIndex)
    {
        return Sortition.drawAudit(seed, probBps, units);
    }

    function leaf(uint256 index, bytes32 value) external pure returns (bytes32) {
        return IndexedMerkle.leaf(index, value);
    }

    function verify(bytes32 root, uint256 index, bytes32 value, bytes32[] calldata proof)
        external
        pure
        returns (bool)
    {
        return IndexedMerkle.verify(root, index, value, proof);
    }

    function verifyMemory(bytes32 root, uint256 index, bytes32 value, bytes32[] memory proof)
        external
        pure
        returns (bool)
    {
        return IndexedMerkle.verifyMemory(root, index, value, proof);
    }

    function onAuditPassed(uint256 rep) external pure returns (uint256) {
        return Reputation.onAuditPassed(rep);
    }

    function onAccepted(uint256 rep) external pure returns (uint256) {
        return Reputation.onAccepted(rep);
    }

    function onExpired(uint256 rep) external pure returns (uint256) {
        return Reputation.onExpired(rep);
    }

    function onDisputeLost(uint256 rep) external pure returns (uint256) {
        return Reputation.onDisputeLost(rep);
    }
}
