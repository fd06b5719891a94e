// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {JobMarket} from "../JobMarket.sol";
import {JobMarketAudits} from "./JobMarketAudits.sol";
import {JobMarketDisputes} from "./JobMarketDisputes.sol";
import {IMAIToken} from "../interfaces/IMAIToken.sol";
import {IProtocolConfig} from "../interfaces/IProtocolConfig.sol";
import {INodeRegistry} from "../interfaces/INodeRegistry.sol";
import {IRewardEngine} from "../interfaces/IRewardEngine.sol";
import {IRandomness} from "../interfaces/IRandomness.sol";

/// @title JobMarketDeployer
/// @notice Deploys the JobMarket with its two modules (three creations, in the caller's context: tests and
/// forge scripts). Off-chain deployers do the same three steps: `JobMarketAudits(args)`,
/// `JobMarketDisputes(args)`, then `JobMarket(args, audits, disputes)` with the same five `args`.
library JobMarketDeployer {
    function deploy(
        IMAIToken token,
        IProtocolConfig config,
        INodeRegistry registry,
        IRewardEngine rewards,
        IRandomness randomness
    ) internal returns (JobMarket market) {
        JobMarketAudits audits = new JobMarketAudits(token, config, registry, rewards, randomness);
        JobMarketDisputes disputes = new JobMarketDisputes(token, config, registry, rewards, randomness);
        market = new JobMarket(token, config, registry, rewards, randomness, audits, disputes);
    }
}
