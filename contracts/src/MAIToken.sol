// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Burnable} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Burnable.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {IMAIToken} from "./interfaces/IMAIToken.sol";

/// @title MAIToken
/// @notice The mAIToken ERC-20 (symbol MAI, 18 decimals).
/// @dev Genesis allocation at deployment, then only the RewardEngine mints, and only from the mining pool.
/// See `IMAIToken` for the supply invariant.
contract MAIToken is ERC20, ERC20Burnable, ERC20Permit, IMAIToken {
    /// @inheritdoc IMAIToken
    uint256 public constant MAX_SUPPLY = 1_000_000_000 ether;
    /// @notice The conventional mining pool size: 60% of the cap.
    uint256 public constant DEFAULT_MINING_POOL = 600_000_000 ether;

    address private immutable _deployer;
    uint256 private immutable _miningPool;
    uint256 private immutable _genesisSupply;
    address private _minter;
    uint256 private _mintedFromPool;

    /// @param recipients Genesis recipients (team, ecosystem, liquidity; a faucet on devnets).
    /// @param amounts Genesis amounts, one per recipient; they count toward the cap.
    /// @param miningPool_ Amount reserved for minting by the RewardEngine (normally `DEFAULT_MINING_POOL`).
    constructor(address[] memory recipients, uint256[] memory amounts, uint256 miningPool_)
        ERC20("mAIToken", "MAI")
        ERC20Permit("mAIToken")
    {
        if (recipients.length != amounts.length) revert GenesisLengthMismatch(recipients.length, amounts.length);
        uint256 genesis;
        for (uint256 i; i < recipients.length; ++i) {
            genesis += amounts[i];
            _mint(recipients[i], amounts[i]);
        }
        if (genesis > MAX_SUPPLY || miningPool_ > MAX_SUPPLY - genesis) {
            revert SupplyCapExceeded(genesis, miningPool_, MAX_SUPPLY);
        }
        _deployer = msg.sender;
        _miningPool = miningPool_;
        _genesisSupply = genesis;
    }

    /// @inheritdoc IMAIToken
    function setMinter(address minter_) external {
        if (msg.sender != _deployer) revert NotDeployer(msg.sender, _deployer);
        if (_minter != address(0)) revert MinterAlreadySet(_minter);
        if (minter_ == address(0)) revert ZeroMinter();
        _minter = minter_;
        emit MinterSet(minter_);
    }

    /// @inheritdoc IMAIToken
    function mint(address to, uint256 amount) external {
        if (msg.sender != _minter || msg.sender == address(0)) revert NotMinter(msg.sender, _minter);
        uint256 minted = _mintedFromPool;
        if (amount > _miningPool - minted) revert MiningPoolExceeded(minted, amount, _miningPool);
        unchecked {
            // minted + amount <= _miningPool <= MAX_SUPPLY
            minted += amount;
        }
        _mintedFromPool = minted;
        _mint(to, amount);
        emit PoolMinted(to, amount, minted);
    }

    /// @inheritdoc IMAIToken
    function burn(uint256 amount) public override(ERC20Burnable, IMAIToken) {
        super.burn(amount);
    }

    /// @inheritdoc IMAIToken
    function burnFrom(address account, uint256 amount) public override(ERC20Burnable, IMAIToken) {
        super.burnFrom(account, amount);
    }

    /// @notice The permit nonce of `owner` (resolves the ERC20Permit / IERC20Permit double inheritance).
    /// @param owner The signer.
    /// @return The next nonce.
    function nonces(address owner) public view override(ERC20Permit, IERC20Permit) returns (uint256) {
        return super.nonces(owner);
    }

    /// @inheritdoc IMAIToken
    function minter() external view returns (address) {
        return _minter;
    }

    /// @inheritdoc IMAIToken
    function mintedFromPool() external view returns (uint256) {
        return _mintedFromPool;
    }

    /// @inheritdoc IMAIToken
    function miningPool() external view returns (uint256) {
        return _miningPool;
    }

    /// @inheritdoc IMAIToken
    function genesisSupply() external view returns (uint256) {
        return _genesisSupply;
    }
}
