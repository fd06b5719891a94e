// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IndexedMerkle
/// @notice Verifies proofs of the index-bound Merkle trees built by `packages/protocol/src/merkle.ts`.
/// @dev leaf(i, v) = keccak256(0x00 ‖ uint256 i ‖ v), node(l, r) = keccak256(0x01 ‖ l ‖ r), padded with
/// bytes32(0) to a power of two, proofs bottom-up. The index is hashed into the leaf, and a proof only
/// verifies when the index bits are exhausted by the proof length, so a value proved at one position never
/// verifies at another; the prefixes keep leaves and inner nodes from being confused.
library IndexedMerkle {
    /// @notice Leaf hash of `value` at `index`.
    /// @param index Position in the tree.
    /// @param value The committed value.
    /// @return h keccak256(0x00 ‖ index ‖ value).
    function leaf(uint256 index, bytes32 value) internal pure returns (bytes32 h) {
        assembly ("memory-safe") {
            // Scratch space above the free memory pointer; nothing is allocated.
            let ptr := mload(0x40)
            mstore8(ptr, 0x00)
            mstore(add(ptr, 0x01), index)
            mstore(add(ptr, 0x21), value)
            h := keccak256(ptr, 0x41)
        }
    }

    /// @notice Checks a calldata proof that `value` sits at `index` under `root`.
    /// @param root The tree root.
    /// @param index Position of the value.
    /// @param value The value.
    /// @param proof Sibling hashes bottom-up.
    /// @return True if the proof is valid.
    function verify(bytes32 root, uint256 index, bytes32 value, bytes32[] calldata proof)
        internal
        pure
        returns (bool)
    {
        bytes32 h = leaf(index, value);
        uint256 i = index;
        uint256 len = proof.length;
        for (uint256 j; j < len;) {
            h = _node(i, h, proof[j]);
            i >>= 1;
            unchecked {
                ++j; // j < len <= calldata size
            }
        }
        return i == 0 && h == root;
    }

    /// @notice Same as `verify` for a proof in memory.
    /// @param root The tree root.
    /// @param index Position of the value.
    /// @param value The value.
    /// @param proof Sibling hashes bottom-up.
    /// @return True if the proof is valid.
    function verifyMemory(bytes32 root, uint256 index, bytes32 value, bytes32[] memory proof)
        internal
        pure
        returns (bool)
    {
        bytes32 h = leaf(index, value);
        uint256 i = index;
        uint256 len = proof.length;
        for (uint256 j; j < len;) {
            h = _node(i, h, proof[j]);
            i >>= 1;
            unchecked {
                ++j; // j < len <= memory size
            }
        }
        return i == 0 && h == root;
    }

    /// @dev Parent of `h` and its sibling; `i`'s low bit says whether `h` is the right child.
    function _node(uint256 i, bytes32 h, bytes32 sibling) private pure returns (bytes32 parent) {
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore8(ptr, 0x01)
            switch and(i, 1)
            case 0 {
                mstore(add(ptr, 0x01), h)
                mstore(add(ptr, 0x21), sibling)
            }
            default {
                mstore(add(ptr, 0x01), sibling)
                mstore(add(ptr, 0x21), h)
            }
            parent := keccak256(ptr, 0x41)
        }
    }
}
