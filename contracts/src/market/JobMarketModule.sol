// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {JobMarketStorage} from "./JobMarketStorage.sol";
import {IMAIToken} from "../interfaces/IMAIToken.sol";
import {IProtocolConfig} from "../interfaces/IProtocolConfig.sol";
import {INodeRegistry} from "../interfaces/INodeRegistry.sol";
import {IRewardEngine} from "../interfaces/IRewardEngine.sol";
import {IRandomness} from "../interfaces/IRandomness.sol";

/// @title JobMarketModule
/// @notice Base of the JobMarket's delegate-called modules.
/// @dev A module shares the market's storage layout (`JobMarketStorage`) and runs only through
/// `delegatecall` from the market; called directly, its entry points revert. Its own immutables must name
/// the same token, config, registry, reward engine and randomness as the market's (the market checks
/// `wiring()` in its constructor).
abstract contract JobMarketModule is JobMarketStorage {
    /// @notice Thrown when a module entry point is called directly instead of through the market.
    error NotDelegated();

    address private immutable _self;

    constructor(
        IMAIToken token_,
        IProtocolConfig config_,
        INodeRegistry registry_,
        IRewardEngine rewards_,
        IRandomness randomness_
    ) JobMarketStorage(token_, config_, registry_, rewards_, randomness_) {
        _self = address(this);
    }

    modifier onlyDelegated() {
        if (address(this) == _self) revert NotDelegated();
        _;
    }

    /// @notice The contracts this module was built for.
    function wiring() external view returns (address, address, address, address, address) {
        return (address(_token), address(_config), address(_registry), address(_rewards), address(_randomness));
    }
}
