// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IRandomness
/// @notice Source of public, after-the-fact seeds. A consumer records a block number when it needs a
/// future draw (for example "the block after this batch opened") and reads the seed once that block
/// is in the past. Adapters: `BlockhashRandomness` (default), RANDAO or VRF in production.
interface IRandomness {
    /// @notice The seed attached to `blockNumber`.
    /// @param blockNumber The block whose randomness is wanted; must be strictly in the past.
    /// @return seed The seed (zero when unavailable).
    /// @return available False when the block is not yet mined or its seed can no longer be read
    /// (for blockhash: older than 256 blocks). Callers must handle `false` explicitly (for audits:
    /// force the audit and draw from a fresh block) and never re-roll in anyone's favour.
    function seedAt(uint256 blockNumber) external view returns (bytes32 seed, bool available);
}
