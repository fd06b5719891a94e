// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";

/// @title IMAIToken
/// @notice mAIToken (MAI): an ERC-20 with ERC-2612 permit and burning, hard-capped at `MAX_SUPPLY`, whose
/// mining pool is minted only by the RewardEngine for verified work.
/// @dev Supply invariant: genesis + miningPool <= MAX_SUPPLY is checked at deployment and
/// mintedFromPool <= miningPool on every mint, so totalSupply <= MAX_SUPPLY forever. The pool is bounded by
/// `mintedFromPool`, not by `totalSupply`, because burns lower the supply and must never free room to mint.
interface IMAIToken is IERC20, IERC20Permit {
    /// @notice Thrown when `mint` is called by anyone but the minter.
    error NotMinter(address caller, address minter);
    /// @notice Thrown when `setMinter` is called by anyone but the deployer.
    error NotDeployer(address caller, address deployer);
    /// @notice Thrown when `setMinter` is called after the minter was set.
    error MinterAlreadySet(address minter);
    /// @notice Thrown when the minter would be the zero address.
    error ZeroMinter();
    /// @notice Thrown when a mint would take more than the mining pool holds.
    error MiningPoolExceeded(uint256 mintedFromPool, uint256 amount, uint256 miningPool);
    /// @notice Thrown when the genesis recipient and amount lists differ in length.
    error GenesisLengthMismatch(uint256 recipients, uint256 amounts);
    /// @notice Thrown when the genesis allocation plus the mining pool exceed the cap.
    error SupplyCapExceeded(uint256 genesisSupply, uint256 miningPool, uint256 maxSupply);

    /// @notice Emitted once, when the deployer hands minting rights to the RewardEngine.
    /// @param minter The RewardEngine.
    event MinterSet(address indexed minter);
    /// @notice Emitted when the minter has minted from the mining pool.
    /// @param to Recipient.
    /// @param amount Amount minted.
    /// @param mintedFromPool Total minted from the pool afterwards.
    event PoolMinted(address indexed to, uint256 amount, uint256 mintedFromPool);

    /// @notice Sets the only address that may mint (the RewardEngine). Callable once, by the deployer.
    /// @param minter_ The minter.
    function setMinter(address minter_) external;

    /// @notice Mints `amount` from the mining pool to `to`; minter only.
    /// @param to Recipient.
    /// @param amount Amount in MAI wei.
    function mint(address to, uint256 amount) external;

    /// @notice Burns `amount` of the caller's tokens.
    /// @param amount Amount in MAI wei.
    function burn(uint256 amount) external;

    /// @notice Burns `amount` from `account`, spending the caller's allowance.
    /// @param account Holder.
    /// @param amount Amount in MAI wei.
    function burnFrom(address account, uint256 amount) external;

    /// @notice Hard cap on the total supply (1e9 MAI).
    /// @return The cap in MAI wei.
    function MAX_SUPPLY() external view returns (uint256);

    /// @notice The address allowed to mint (zero until `setMinter`).
    /// @return The minter.
    function minter() external view returns (address);

    /// @notice Total minted from the mining pool so far (never decreases, burns do not lower it).
    /// @return Amount in MAI wei.
    function mintedFromPool() external view returns (uint256);

    /// @notice Size of the mining pool fixed at deployment.
    /// @return Amount in MAI wei.
    function miningPool() external view returns (uint256);

    /// @notice Total of the genesis allocation minted at deployment.
    /// @return Amount in MAI wei.
    function genesisSupply() external view returns (uint256);
}
