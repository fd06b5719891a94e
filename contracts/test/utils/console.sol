// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @dev The few console.log signatures we use; forge decodes calls to this address.
library console {
    address private constant CONSOLE = 0x000000000000000000636F6e736F6c652e6c6f67;

    function _send(bytes memory payload) private view {
        (bool ok,) = CONSOLE.staticcall(payload);
        ok;
    }

    function log(string memory s) internal view {
        _send(abi.encodeWithSignature("log(string)", s));
    }

    function log(string memory s, uint256 v) internal view {
        _send(abi.encodeWithSignature("log(string,uint256)", s, v));
    }

    function log(string memory s, address a) internal view {
        _send(abi.encodeWithSignature("log(string,address)", s, a));
    }
}
