// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Vm} from "./Vm.sol";
import {console} from "./console.sol";

/// @dev Minimal test base: cheatcodes, assertions (forwarded to forge's assert cheatcodes so
/// failures print both values), `bound`, and the invariant target lists forge reads.
abstract contract Test {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    /// @dev forge reads this to tell a test contract apart.
    bool public IS_TEST = true;

    struct FuzzSelector {
        address addr;
        bytes4[] selectors;
    }

    address[] private _targetContracts;
    address[] private _targetSenders;
    address[] private _excludeContracts;
    FuzzSelector[] private _targetSelectors;

    // ---- invariant targets (forge calls these getters) ----
    function targetContracts() public view returns (address[] memory) {
        return _targetContracts;
    }

    function targetSenders() public view returns (address[] memory) {
        return _targetSenders;
    }

    function excludeContracts() public view returns (address[] memory) {
        return _excludeContracts;
    }

    function targetSelectors() public view returns (FuzzSelector[] memory) {
        return _targetSelectors;
    }

    function targetContract(address target) internal {
        _targetContracts.push(target);
    }

    function targetSender(address sender) internal {
        _targetSenders.push(sender);
    }

    function excludeContract(address target) internal {
        _excludeContracts.push(target);
    }

    function targetSelector(FuzzSelector memory selector) internal {
        _targetSelectors.push(selector);
    }

    // ---- helpers ----
    function makeAddr(string memory name) internal returns (address account) {
        account = vm.addr(uint256(keccak256(bytes(name))));
        vm.label(account, name);
    }

    function makeKey(string memory name) internal returns (address account, uint256 privateKey) {
        privateKey = uint256(keccak256(bytes(name)));
        account = vm.addr(privateKey);
        vm.label(account, name);
    }

    /// @dev Maps `x` into [min, max] without discarding runs; uniform enough for fuzzing.
    function bound(uint256 x, uint256 min, uint256 max) internal pure returns (uint256) {
        require(min <= max, "bound: min > max");
        if (x >= min && x <= max) return x;
        uint256 size = max - min + 1;
        if (size == 0) return x; // full range
        return min + (x % size);
    }

    // ---- assertions ----
    function assertTrue(bool c) internal pure {
        vm.assertTrue(c, "assertTrue failed");
    }

    function assertTrue(bool c, string memory err) internal pure {
        vm.assertTrue(c, err);
    }

    function assertFalse(bool c) internal pure {
        vm.assertFalse(c, "assertFalse failed");
    }

    function assertFalse(bool c, string memory err) internal pure {
        vm.assertFalse(c, err);
    }

    function assertEq(uint256 a, uint256 b) internal pure {
        vm.assertEq(a, b, "assertEq(uint256) failed");
    }

    function assertEq(uint256 a, uint256 b, string memory err) internal pure {
        vm.assertEq(a, b, err);
    }

    function assertEq(int256 a, int256 b) internal pure {
        vm.assertEq(a, b, "assertEq(int256) failed");
    }

    function assertEq(address a, address b) internal pure {
        vm.assertEq(a, b, "assertEq(address) failed");
    }

    function assertEq(address a, address b, string memory err) internal pure {
        vm.assertEq(a, b, err);
    }

    function assertEq(bytes32 a, bytes32 b) internal pure {
        vm.assertEq(a, b, "assertEq(bytes32) failed");
    }

    function assertEq(bytes32 a, bytes32 b, string memory err) internal pure {
        vm.assertEq(a, b, err);
    }

    function assertEq(bool a, bool b) internal pure {
        vm.assertEq(a, b, "assertEq(bool) failed");
    }

    function assertEq(bytes memory a, bytes memory b) internal pure {
        vm.assertEq(a, b, "assertEq(bytes) failed");
    }

    function assertNotEq(uint256 a, uint256 b) internal pure {
        vm.assertNotEq(a, b, "assertNotEq failed");
    }

    function assertNotEq(bytes32 a, bytes32 b) internal pure {
        vm.assertNotEq(a, b, "assertNotEq failed");
    }

    function assertLe(uint256 a, uint256 b) internal pure {
        vm.assertLe(a, b, "assertLe failed");
    }

    function assertLe(uint256 a, uint256 b, string memory err) internal pure {
        vm.assertLe(a, b, err);
    }

    function assertGe(uint256 a, uint256 b) internal pure {
        vm.assertGe(a, b, "assertGe failed");
    }

    function assertGe(uint256 a, uint256 b, string memory err) internal pure {
        vm.assertGe(a, b, err);
    }

    function assertLt(uint256 a, uint256 b) internal pure {
        vm.assertLt(a, b, "assertLt failed");
    }

    function assertGt(uint256 a, uint256 b) internal pure {
        vm.assertGt(a, b, "assertGt failed");
    }

    function assertApproxEqAbs(uint256 a, uint256 b, uint256 maxDelta) internal pure {
        vm.assertApproxEqAbs(a, b, maxDelta, "assertApproxEqAbs failed");
    }

    function assertApproxEqRel(uint256 a, uint256 b, uint256 maxPercentDelta) internal pure {
        vm.assertApproxEqRel(a, b, maxPercentDelta, "assertApproxEqRel failed");
    }
}
