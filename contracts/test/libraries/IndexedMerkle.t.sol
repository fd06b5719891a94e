// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Test} from "../utils/Test.sol";
import {IndexedMerkle} from "../../src/libraries/IndexedMerkle.sol";
import {MathHarness} from "../harness/MathHarness.sol";

contract IndexedMerkleTest is Test {
    MathHarness internal h;

    function setUp() public {
        h = new MathHarness();
    }

    /// @dev Reference tree builder (same layout as packages/protocol/src/merkle.ts).
    function _tree(bytes32[] memory values, uint256 index) internal pure returns (bytes32 root, bytes32[] memory proof) {
        uint256 size = 1;
        uint256 depth;
        while (size < values.length) {
            size *= 2;
            ++depth;
        }
        bytes32[] memory level = new bytes32[](size);
        for (uint256 i; i < values.length; ++i) {
            level[i] = keccak256(abi.encodePacked(uint8(0), i, values[i]));
        }
        proof = new bytes32[](depth);
        uint256 at = index;
        for (uint256 d; d < depth; ++d) {
            proof[d] = level[at ^ 1];
            bytes32[] memory next = new bytes32[](size / 2);
            for (uint256 j; j < size / 2; ++j) {
                next[j] = keccak256(abi.encodePacked(uint8(1), level[2 * j], level[2 * j + 1]));
            }
            level = next;
            size /= 2;
            at >>= 1;
        }
        root = level[0];
    }

    function _values(uint256 n, uint256 salt) internal pure returns (bytes32[] memory v) {
        v = new bytes32[](n);
        for (uint256 i; i < n; ++i) {
            v[i] = keccak256(abi.encode(salt, i));
        }
    }

    function test_matchesTypeScriptVector() public view {
        // merkle.ts with values keccak256(uint256(i)) for i in 0..4, proof of index 3
        bytes32[] memory proof = new bytes32[](3);
        proof[0] = 0x27f8231fe514971f7cef7b4dacd792b408a184bc6bc93df11b20d8310bb8e266;
        proof[1] = 0xa5529ba3f578f697e75287adbfe5b04bc5c55b73a9b33ac15dd2b2ff8fd72fb7;
        proof[2] = 0xed6f5168269bd48ee704b3ed1357eac2e2652d1cbe1aa442c9fb05e5d6fd9b31;
        bytes32 root = 0x5cdc92bb6b0c8cc71a4bcd587d6b7d11a1f2eef0ab58a3a32ffccc2a37da0331;
        bytes32 value = keccak256(abi.encode(uint256(3)));
        assertEq(IndexedMerkle.leaf(3, value), 0x35ba48451f04271fc5fbad28e14ee1976bd342199b1fe2a74ecc6a3ca9b78bdd);
        assertTrue(h.verify(root, 3, value, proof));
        assertTrue(IndexedMerkle.verifyMemory(root, 3, value, proof));
        assertFalse(h.verify(root, 2, value, proof));
    }

    function testFuzz_leaf_isPrefixedHash(uint256 index, bytes32 value) public pure {
        assertEq(IndexedMerkle.leaf(index, value), keccak256(abi.encodePacked(uint8(0), index, value)));
    }

    function test_singleLeafRootIsLeaf() public view {
        bytes32 v = keccak256("only");
        bytes32[] memory empty = new bytes32[](0);
        assertTrue(h.verify(IndexedMerkle.leaf(0, v), 0, v, empty));
        assertFalse(h.verify(IndexedMerkle.leaf(0, v), 1, v, empty));
    }

    function testFuzz_verify_onlyAtItsIndex(uint256 n, uint256 index, uint256 other, uint256 salt) public view {
        n = bound(n, 1, 40);
        index = bound(index, 0, n - 1);
        other = bound(other, 0, 64);
        bytes32[] memory values = _values(n, salt);
        (bytes32 root, bytes32[] memory proof) = _tree(values, index);
        assertTrue(h.verify(root, index, values[index], proof));
        assertTrue(h.verifyMemory(root, index, values[index], proof));
        if (other != index) {
            assertFalse(h.verify(root, other, values[index], proof));
            assertFalse(h.verifyMemory(root, other, values[index], proof));
        }
        // any other value, or a tampered sibling, fails
        assertFalse(h.verify(root, index, keccak256(abi.encode(values[index])), proof));
        if (proof.length > 0) {
            proof[0] = bytes32(uint256(proof[0]) ^ 1);
            assertFalse(h.verify(root, index, values[index], proof));
        }
    }

    function testFuzz_verify_rejectsHighIndexAliases(uint256 n, uint256 index, uint256 salt) public view {
        n = bound(n, 2, 16);
        index = bound(index, 0, n - 1);
        bytes32[] memory values = _values(n, salt);
        (bytes32 root, bytes32[] memory proof) = _tree(values, index);
        // an index that shares the low bits (same path) must not verify: the leaf binds the full index
        uint256 alias_ = index + (uint256(1) << proof.length);
        assertFalse(h.verify(root, alias_, values[index], proof));
    }
}
