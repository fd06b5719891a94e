// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title MarketMath
/// @notice Pure rules of the JobMarket: batch sizes, commitments, seeds, collateral, lease length and
/// the money splits. The market only orchestrates; every number it moves comes from here.
/// @dev Rounding always favours the protocol: payouts round down, collateral and burns round up.
library MarketMath {
    uint256 internal constant BPS = 10_000;
    /// @dev A blockhash is readable for the 256 blocks before the current one.
    uint256 internal constant BLOCKHASH_WINDOW = 256;

    /// @notice Units in batch `batchIndex` of a job (the last batch holds the remainder).
    function batchUnits(uint256 units, uint256 batchSize, uint256 batchIndex) internal pure returns (uint256) {
        uint256 start = batchIndex * batchSize;
        if (start >= units) return 0;
        uint256 rest = units - start;
        return rest < batchSize ? rest : batchSize;
    }

    /// @notice Number of batches of a job: ceil(units / batchSize).
    function batchCount(uint256 units, uint256 batchSize) internal pure returns (uint256) {
        return (units + batchSize - 1) / batchSize;
    }

    /// @notice Commitment of a result root: keccak256(abi.encode(jobId, batchIndex, attempt, root, salt, node)).
    /// @dev Binding the node and the attempt means a copied commitment never verifies for the copier.
    function commitment(uint256 jobId, uint256 batchIndex, uint256 attempt, bytes32 root, bytes32 salt, address node)
        internal
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(jobId, batchIndex, attempt, root, salt, node));
    }

    /// @notice Commitment of a chained batch: the plain commitment's fields followed by the predecessor's
    /// revealed result root, so a successor's result is bound to the state it started from.
    function chainedCommitment(
        uint256 jobId,
        uint256 batchIndex,
        uint256 attempt,
        bytes32 root,
        bytes32 salt,
        address node,
        bytes32 predecessorRoot
    ) internal pure returns (bytes32) {
        return keccak256(abi.encode(jobId, batchIndex, attempt, root, salt, node, predecessorRoot));
    }

    /// @notice The block whose seed a draw anchored at `anchorBlock` reads now (`current` = block.number).
    /// @dev The draw uses the block after the anchor. Once that block is older than the blockhash window,
    /// the draw rolls forward in steps of 256 blocks: still fixed by blocks mined after the anchor, never
    /// chosen by the caller, and always readable. Returns 0 when the first seed block is not mined yet.
    function rollingSeedBlock(uint256 anchorBlock, uint256 current) internal pure returns (uint256) {
        uint256 first = anchorBlock + 1;
        if (current <= first) return 0;
        // current > first, so the subtraction cannot underflow.
        unchecked {
            // forge-lint: disable-next-line(divide-before-multiply)
            return first + ((current - 1 - first) / BLOCKHASH_WINDOW) * BLOCKHASH_WINDOW;
        }
    }

    /// @notice Collateral of a lease: max(slashBps * stake, 2 * batchValue / pAudit), capped at the stake.
    /// @dev With audit probability p and collateral >= 2 * value / p, a cheater's expected loss p * collateral
    /// is at least twice the value it could steal. Rounded up.
    function collateral(uint256 stake, uint256 slashBps, uint256 batchValue, uint256 auditBps)
        internal
        pure
        returns (uint256 amount)
    {
        uint256 fromStake = (stake * slashBps + BPS - 1) / BPS;
        uint256 fromValue = auditBps == 0 ? type(uint256).max : (2 * batchValue * BPS + auditBps - 1) / auditBps;
        amount = fromStake > fromValue ? fromStake : fromValue;
        if (amount > stake) amount = stake;
    }

    /// @notice Lease length: twice the node's own estimate (cu / capacity), within [minLease, maxLease].
    function leaseDuration(uint256 cu, uint256 capacityCUps, uint256 minLease, uint256 maxLease)
        internal
        pure
        returns (uint256 duration)
    {
        if (capacityCUps == 0) return minLease;
        duration = 2 * ((cu + capacityCUps - 1) / capacityCUps);
        if (duration < minLease) duration = minLease;
        if (duration > maxLease) duration = maxLease;
    }

    /// @notice Splits a batch price into the miner's pay and the protocol fee, and the fee into burn and treasury.
    function feeSplit(uint256 price, uint256 protocolFeeBps, uint256 feeBurnBps)
        internal
        pure
        returns (uint256 toMiner, uint256 burned, uint256 toTreasury)
    {
        uint256 fee = (price * protocolFeeBps + BPS - 1) / BPS;
        toMiner = price - fee;
        burned = (fee * feeBurnBps + BPS - 1) / BPS;
        toTreasury = fee - burned;
    }

    /// @notice Splits slashed tokens: half (rounded up) burned, the rest shared equally by `winners`;
    /// the division remainder is burned too. With no winner everything is burned.
    function slashSplit(uint256 slashed, uint256 winners) internal pure returns (uint256 perWinner, uint256 burned) {
        if (winners == 0) return (0, slashed);
        perWinner = (slashed / 2) / winners;
        burned = slashed - perWinner * winners;
    }

    /// @notice Whether `votes` out of `seats` voters is a strict majority.
    function isMajority(uint256 votes, uint256 seats) internal pure returns (bool) {
        return votes * 2 > seats;
    }
}
