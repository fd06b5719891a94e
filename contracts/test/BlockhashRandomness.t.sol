// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Base} from "./utils/Base.t.sol";

contract BlockhashRandomnessTest is Base {
    function test_seedAt_pastBlockAvailable() public {
        vm.roll(1_000);
        vm.setBlockhash(999, keccak256("b999"));
        (bytes32 seed, bool available) = randomness.seedAt(999);
        assertTrue(available);
        assertEq(seed, keccak256("b999"));
    }

    function test_seedAt_currentBlockUnavailable() public {
        vm.roll(1_000);
        (bytes32 seed, bool available) = randomness.seedAt(1_000);
        assertFalse(available);
        assertEq(seed, bytes32(0));
    }

    function test_seedAt_futureBlockUnavailable() public {
        vm.roll(1_000);
        (, bool available) = randomness.seedAt(1_001);
        assertFalse(available);
    }

    function test_seedAt_olderThan256Unavailable() public {
        vm.roll(1_000);
        vm.setBlockhash(1_000 - 256, keccak256("edge"));
        (, bool edge) = randomness.seedAt(1_000 - 256);
        assertTrue(edge, "exactly 256 back is still readable");
        (bytes32 seed, bool available) = randomness.seedAt(1_000 - 257);
        assertFalse(available);
        assertEq(seed, bytes32(0));
    }

    function test_seedAt_zeroHashTreatedAsUnavailable() public {
        vm.roll(1_000);
        vm.setBlockhash(990, bytes32(0));
        (, bool available) = randomness.seedAt(990);
        assertFalse(available);
    }

    function testFuzz_seedAt_availableExactlyInWindow(uint256 current, uint256 target) public {
        current = bound(current, 300, 1e12);
        target = bound(target, 0, current + 300);
        vm.roll(current);
        if (target < current && target + 256 >= current) vm.setBlockhash(target, keccak256(abi.encode(target)));
        (bytes32 seed, bool available) = randomness.seedAt(target);
        bool inWindow = target < current && current - target <= 256;
        assertEq(available, inWindow);
        assertEq(seed, inWindow ? keccak256(abi.encode(target)) : bytes32(0));
    }

    function test_seedAt_differsAcrossBlocks() public {
        vm.roll(1_000);
        vm.setBlockhash(998, keccak256("a"));
        vm.setBlockhash(999, keccak256("b"));
        (bytes32 a,) = randomness.seedAt(998);
        (bytes32 b,) = randomness.seedAt(999);
        assertNotEq(a, b);
    }
}
