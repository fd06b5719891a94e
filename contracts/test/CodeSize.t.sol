// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Base} from "./utils/Base.t.sol";
import {JobMarketAudits} from "../src/market/JobMarketAudits.sol";
import {JobMarketDisputes} from "../src/market/JobMarketDisputes.sol";
import {IMAIToken} from "../src/interfaces/IMAIToken.sol";
import {INodeRegistry} from "../src/interfaces/INodeRegistry.sol";
import {IRewardEngine} from "../src/interfaces/IRewardEngine.sol";
import {IRandomness} from "../src/interfaces/IRandomness.sol";

/// @dev forge runs tests without EIP-170's 24,576-byte code limit, but real chains (and anvil) enforce
/// it at deployment: every deployable must fit, or `mai deploy` fails on every network.
contract CodeSizeTest is Base {
    uint256 internal constant EIP170_LIMIT = 24_576;

    function test_deployables_fitTheCodeSizeLimit() public {
        address[7] memory deployables = [
            address(token),
            address(config),
            address(registry),
            address(rewardEngine),
            address(randomness),
            address(jobMarket),
            address(timelock)
        ];
        for (uint256 i; i < deployables.length; ++i) {
            assertLe(deployables[i].code.length, EIP170_LIMIT, "deployable over the EIP-170 code size limit");
        }
        IMAIToken t = IMAIToken(address(token));
        INodeRegistry r = INodeRegistry(address(registry));
        IRewardEngine w = IRewardEngine(address(rewardEngine));
        IRandomness x = IRandomness(address(randomness));
        assertLe(address(new JobMarketAudits(t, config, r, w, x)).code.length, EIP170_LIMIT, "JobMarketAudits too big");
        assertLe(address(new JobMarketDisputes(t, config, r, w, x)).code.length, EIP170_LIMIT, "JobMarketDisputes too big");
    }
}
