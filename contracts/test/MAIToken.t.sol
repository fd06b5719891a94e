// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Test} from "./utils/Test.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {MAIToken} from "../src/MAIToken.sol";
import {IMAIToken} from "../src/interfaces/IMAIToken.sol";

contract MAITokenTest is Test {
    MAIToken internal token;
    address internal deployer = address(this);
    address internal engine = makeAddr("rewardEngine");
    address internal faucet = makeAddr("faucet");
    address internal team = makeAddr("team");
    address internal alice;
    uint256 internal aliceKey;
    address internal bob = makeAddr("bob");

    uint256 internal constant POOL = 600_000_000 ether;
    bytes32 internal constant PERMIT_TYPEHASH =
        keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)");

    event MinterSet(address indexed minter);
    event PoolMinted(address indexed to, uint256 amount, uint256 mintedFromPool);

    function setUp() public {
        (alice, aliceKey) = makeKey("alice");
        token = _deploy(100_000_000 ether, 50_000_000 ether, POOL);
    }

    function _deploy(uint256 toFaucet, uint256 toTeam, uint256 pool) internal returns (MAIToken) {
        address[] memory r = new address[](2);
        uint256[] memory a = new uint256[](2);
        (r[0], r[1], a[0], a[1]) = (faucet, team, toFaucet, toTeam);
        return new MAIToken(r, a, pool);
    }

    // ---- constructor ----

    function test_constructor_setsMetadataAndGenesis() public view {
        assertEq(keccak256(bytes(token.name())), keccak256("mAIToken"));
        assertEq(keccak256(bytes(token.symbol())), keccak256("MAI"));
        assertEq(token.decimals(), 18);
        assertEq(token.MAX_SUPPLY(), 1e9 ether);
        assertEq(token.DEFAULT_MINING_POOL(), POOL);
        assertEq(token.balanceOf(faucet), 100_000_000 ether);
        assertEq(token.balanceOf(team), 50_000_000 ether);
        assertEq(token.totalSupply(), 150_000_000 ether);
        assertEq(token.genesisSupply(), 150_000_000 ether);
        assertEq(token.miningPool(), POOL);
        assertEq(token.mintedFromPool(), 0);
        assertEq(token.minter(), address(0));
    }

    function test_constructor_acceptsExactlyTheCap() public {
        MAIToken t = _deploy(300_000_000 ether, 100_000_000 ether, POOL);
        assertEq(t.genesisSupply() + t.miningPool(), t.MAX_SUPPLY());
    }

    function test_RevertWhen_constructorLengthsDiffer() public {
        address[] memory r = new address[](2);
        uint256[] memory a = new uint256[](1);
        vm.expectRevert(abi.encodeWithSelector(IMAIToken.GenesisLengthMismatch.selector, uint256(2), uint256(1)));
        new MAIToken(r, a, POOL);
    }

    function test_RevertWhen_constructorExceedsCap() public {
        address[] memory r = new address[](1);
        uint256[] memory a = new uint256[](1);
        (r[0], a[0]) = (faucet, 400_000_000 ether + 1);
        vm.expectRevert(
            abi.encodeWithSelector(IMAIToken.SupplyCapExceeded.selector, 400_000_000 ether + 1, POOL, 1e9 ether)
        );
        new MAIToken(r, a, POOL);
    }

    function test_RevertWhen_constructorGenesisAloneExceedsCap() public {
        address[] memory r = new address[](1);
        uint256[] memory a = new uint256[](1);
        (r[0], a[0]) = (faucet, 1e9 ether + 1);
        vm.expectRevert(abi.encodeWithSelector(IMAIToken.SupplyCapExceeded.selector, 1e9 ether + 1, 0, 1e9 ether));
        new MAIToken(r, a, 0);
    }

    function test_RevertWhen_constructorGenesisToZeroAddress() public {
        address[] memory r = new address[](1);
        uint256[] memory a = new uint256[](1);
        a[0] = 1;
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InvalidReceiver.selector, address(0)));
        new MAIToken(r, a, POOL);
    }

    // ---- setMinter ----

    function test_setMinter_setsOnceAndEmits() public {
        vm.expectEmit(true, false, false, true, address(token));
        emit MinterSet(engine);
        token.setMinter(engine);
        assertEq(token.minter(), engine);
    }

    function test_RevertWhen_setMinterByNonDeployer() public {
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IMAIToken.NotDeployer.selector, bob, deployer));
        token.setMinter(engine);
    }

    function test_RevertWhen_setMinterTwice() public {
        token.setMinter(engine);
        vm.expectRevert(abi.encodeWithSelector(IMAIToken.MinterAlreadySet.selector, engine));
        token.setMinter(bob);
    }

    function test_RevertWhen_setMinterZero() public {
        vm.expectRevert(abi.encodeWithSelector(IMAIToken.ZeroMinter.selector));
        token.setMinter(address(0));
    }

    // ---- mint ----

    function test_mint_byMinterCountsTowardPool() public {
        token.setMinter(engine);
        vm.expectEmit(true, false, false, true, address(token));
        emit PoolMinted(alice, 5 ether, 5 ether);
        vm.prank(engine);
        token.mint(alice, 5 ether);
        assertEq(token.balanceOf(alice), 5 ether);
        assertEq(token.mintedFromPool(), 5 ether);
        assertEq(token.totalSupply(), 150_000_005 ether);
    }

    function test_RevertWhen_mintBeforeMinterSet() public {
        vm.prank(engine);
        vm.expectRevert(abi.encodeWithSelector(IMAIToken.NotMinter.selector, engine, address(0)));
        token.mint(alice, 1);
    }

    function test_RevertWhen_mintByZeroAddressBeforeMinterSet() public {
        vm.prank(address(0));
        vm.expectRevert(abi.encodeWithSelector(IMAIToken.NotMinter.selector, address(0), address(0)));
        token.mint(alice, 1);
    }

    function test_RevertWhen_mintByNonMinter() public {
        token.setMinter(engine);
        vm.expectRevert(abi.encodeWithSelector(IMAIToken.NotMinter.selector, deployer, engine));
        token.mint(alice, 1);
    }

    function test_RevertWhen_mintExceedsPool() public {
        token.setMinter(engine);
        vm.startPrank(engine);
        token.mint(alice, POOL - 10);
        vm.expectRevert(abi.encodeWithSelector(IMAIToken.MiningPoolExceeded.selector, POOL - 10, uint256(11), POOL));
        token.mint(alice, 11);
        token.mint(alice, 10); // exactly drains the pool
        vm.stopPrank();
        assertEq(token.mintedFromPool(), POOL);
    }

    function testFuzz_mint_neverExceedsPoolOrCap(uint256 a, uint256 b, uint256 c) public {
        token.setMinter(engine);
        uint256[3] memory amounts = [bound(a, 0, POOL), bound(b, 0, POOL), bound(c, 0, POOL)];
        uint256 minted;
        vm.startPrank(engine);
        for (uint256 i; i < 3; ++i) {
            if (minted + amounts[i] > POOL) {
                vm.expectRevert(
                    abi.encodeWithSelector(IMAIToken.MiningPoolExceeded.selector, minted, amounts[i], POOL)
                );
                token.mint(bob, amounts[i]);
            } else {
                token.mint(bob, amounts[i]);
                minted += amounts[i];
            }
        }
        vm.stopPrank();
        assertEq(token.mintedFromPool(), minted);
        assertEq(token.balanceOf(bob), minted);
        assertLe(token.totalSupply(), token.MAX_SUPPLY());
    }

    // ---- burn ----

    function testFuzz_burn_lowersSupplyButNotPoolCounter(uint256 mintAmount, uint256 burnAmount) public {
        mintAmount = bound(mintAmount, 1, POOL);
        burnAmount = bound(burnAmount, 0, mintAmount);
        token.setMinter(engine);
        vm.prank(engine);
        token.mint(alice, mintAmount);
        uint256 supply = token.totalSupply();
        vm.prank(alice);
        token.burn(burnAmount);
        assertEq(token.totalSupply(), supply - burnAmount);
        assertEq(token.balanceOf(alice), mintAmount - burnAmount);
        assertEq(token.mintedFromPool(), mintAmount); // burning frees no room in the pool
        uint256 room = POOL - mintAmount;
        vm.prank(engine);
        vm.expectRevert(abi.encodeWithSelector(IMAIToken.MiningPoolExceeded.selector, mintAmount, room + 1, POOL));
        token.mint(alice, room + 1);
    }

    function test_RevertWhen_burnExceedsBalance() public {
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InsufficientBalance.selector, bob, 0, uint256(1)));
        token.burn(1);
    }

    function test_burnFrom_spendsAllowance() public {
        vm.prank(faucet);
        token.approve(bob, 10 ether);
        vm.prank(bob);
        token.burnFrom(faucet, 4 ether);
        assertEq(token.allowance(faucet, bob), 6 ether);
        assertEq(token.balanceOf(faucet), 100_000_000 ether - 4 ether);
    }

    function test_RevertWhen_burnFromWithoutAllowance() public {
        vm.prank(bob);
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, bob, 0, uint256(1 ether))
        );
        token.burnFrom(faucet, 1 ether);
    }

    // ---- permit ----

    function _permitDigest(address owner, address spender, uint256 value, uint256 nonce, uint256 deadline)
        internal
        view
        returns (bytes32)
    {
        bytes32 structHash = keccak256(abi.encode(PERMIT_TYPEHASH, owner, spender, value, nonce, deadline));
        return keccak256(abi.encodePacked("\x19\x01", token.DOMAIN_SEPARATOR(), structHash));
    }

    function test_domainSeparator_usesNameAndVersion() public view {
        bytes32 expected = keccak256(
            abi.encode(
                keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
                keccak256("mAIToken"),
                keccak256("1"),
                block.chainid,
                address(token)
            )
        );
        assertEq(token.DOMAIN_SEPARATOR(), expected);
    }

    function testFuzz_permit_setsAllowanceAndBumpsNonce(uint256 value, uint256 deadline) public {
        deadline = bound(deadline, block.timestamp, type(uint64).max);
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(aliceKey, _permitDigest(alice, bob, value, 0, deadline));
        token.permit(alice, bob, value, deadline, v, r, s);
        assertEq(token.allowance(alice, bob), value);
        assertEq(token.nonces(alice), 1);
        // the same signature cannot be replayed (the nonce moved on)
        vm.expectRevert();
        token.permit(alice, bob, value, deadline, v, r, s);
    }

    function test_permit_thenTransferFrom() public {
        vm.prank(faucet);
        token.transfer(alice, 10 ether);
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(aliceKey, _permitDigest(alice, bob, 3 ether, 0, deadline));
        vm.startPrank(bob);
        token.permit(alice, bob, 3 ether, deadline, v, r, s);
        token.transferFrom(alice, bob, 3 ether);
        vm.stopPrank();
        assertEq(token.balanceOf(bob), 3 ether);
        assertEq(token.balanceOf(alice), 7 ether);
    }

    function test_RevertWhen_permitExpired() public {
        vm.warp(1000);
        uint256 deadline = 999;
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(aliceKey, _permitDigest(alice, bob, 1, 0, deadline));
        vm.expectRevert(abi.encodeWithSelector(ERC20Permit.ERC2612ExpiredSignature.selector, deadline));
        token.permit(alice, bob, 1, deadline, v, r, s);
    }

    function test_RevertWhen_permitSignedByOther() public {
        (, uint256 otherKey) = makeKey("mallory");
        address mallory = vm.addr(otherKey);
        uint256 deadline = block.timestamp + 1;
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(otherKey, _permitDigest(alice, bob, 1, 0, deadline));
        vm.expectRevert(abi.encodeWithSelector(ERC20Permit.ERC2612InvalidSigner.selector, mallory, alice));
        token.permit(alice, bob, 1, deadline, v, r, s);
    }
}
