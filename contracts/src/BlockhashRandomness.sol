// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IRandomness} from "./interfaces/IRandomness.sol";

/// @title BlockhashRandomness
/// @notice Default `IRandomness` adapter: the seed of block `n` is `blockhash(n)`, readable while `n` is one
/// of the last 256 blocks.
/// @dev Threat model (what this source can and cannot promise):
/// - Unpredictability to users. A consumer commits to a future block (one strictly after the action it
///   randomises: a batch opening, a primary's commit). Before that block exists nobody outside the block
///   producer can know its hash, so a miner cannot tailor a commit to the audit draw, and a requester
///   cannot pick which nodes lease its batch.
/// - Block producer bias. Whoever produces block `n` chooses its contents, so it can try different
///   transaction sets or timestamps and publish the hash it likes. On an L2 that is usually one
///   centralised sequencer: it can bias any draw at no cost, and it also sees the mempool. This adapter
///   therefore trusts the sequencer not to collude with a miner or requester. The protocol limits what a
///   bias buys: an audit seed is read only after the commit is on chain (the commit cannot change), a
///   biased sortition draw only picks among staked nodes with weight, and every lost dispute still
///   slashes. Where the sequencer is not trusted, deploy a RANDAO (L1 `prevrandao`, bias limited to one
///   bit per withheld block at the cost of the block reward) or a VRF adapter behind the same interface.
/// - Withholding on an L1. A proposer who dislikes the hash may skip its slot, losing the block reward;
///   it gets one re-roll per withheld slot, not a free choice.
/// - Expiry. `blockhash` returns zero for the current block, future blocks and blocks older than 256.
///   This adapter reports those as unavailable instead of returning a zero seed. Consumers must not let
///   a party profit from waiting out the window: the market forces the audit and draws its auditor from
///   a fresh block when the committed seed block has expired (never skip, never re-roll for the miner).
/// - Devnets mine on an interval rather than per transaction, so a node cannot produce the deciding block
///   itself by sending a transaction; tests mine blocks explicitly (`vm.roll`, `vm.setBlockhash`).
/// Stateless: no owner, no storage, nothing to pause.
contract BlockhashRandomness is IRandomness {
    /// @inheritdoc IRandomness
    function seedAt(uint256 blockNumber) external view returns (bytes32 seed, bool available) {
        // blockhash is zero for the current and future blocks and for blocks older than 256, and (only in
        // theory) for a genuine zero hash, which we also treat as unavailable rather than as a weak seed.
        seed = blockhash(blockNumber);
        available = seed != bytes32(0);
    }
}
