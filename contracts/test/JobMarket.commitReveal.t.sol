// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {MarketFixture} from "./JobMarketFixture.t.sol";
import {IJobMarket, IJobMarketTypes} from "../src/interfaces/IJobMarket.sol";
import {BatchRef, BatchState, BatchFlags, JobParams} from "../src/libraries/JobMarketTypes.sol";
import {MarketMath} from "../src/libraries/MarketMath.sol";

contract JobMarketCommitRevealTest is MarketFixture {
    uint256 internal jobId;

    function setUp() public override {
        super.setUp();
        JobParams memory p = _params(64, 8);
        jobId = _createJob(p);
    }

    /// @dev Leases, commits and mines until it finds a batch whose draw says "not audited".
    function _unauditedBatch() internal returns (BatchRef ref, address node, bytes32 root) {
        for (uint256 i; i < 8; ++i) {
            ref = _ref(jobId, i);
            node = _lease(ref);
            root = _merkleRoot(_unitRoots(ref, 8));
            if (!_commitAndDraw(node, ref, root)) return (ref, node, root);
        }
        revert("no unaudited batch in 8 draws");
    }

    function test_reveal_acceptsUnauditedBatchAndPays() public {
        (BatchRef ref, address node, bytes32 root) = _unauditedBatch();
        uint256 lockedBefore = registry.getNode(node).locked;
        assertGt(lockedBefore, 0);
        uint256 escrowBefore = jm.getJob(jobId).escrow;
        _revealAs(node, ref, root);
        IJobMarket.BatchView memory b = jm.getBatch(ref);
        assertEq(uint256(b.state), uint256(BatchState.Accepted));
        assertEq(b.digest, root);
        uint256 value = 8 * PRICE;
        (uint256 toMiner,, uint256 toTreasury) = MarketMath.feeSplit(value, 200, 5_000);
        assertEq(jm.creditOf(ownerOf[node]), toMiner, "miner credit");
        assertEq(jm.creditOf(treasury), toTreasury, "treasury credit");
        assertEq(jm.getJob(jobId).escrow, escrowBefore - value);
        assertEq(registry.getNode(node).locked, lockedBefore - b.collateral);
        _assertConserved();
        uint256 bal = token.balanceOf(ownerOf[node]);
        vm.prank(ownerOf[node]);
        jm.withdraw();
        assertEq(token.balanceOf(ownerOf[node]), bal + toMiner);
        _assertConserved();
    }
}
