// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {MAIToken} from "../../src/MAIToken.sol";
import {ProtocolConfig} from "../../src/ProtocolConfig.sol";
import {NodeRegistry} from "../../src/NodeRegistry.sol";
import {RewardEngine} from "../../src/RewardEngine.sol";
import {JobMarket} from "../../src/JobMarket.sol";

/// @dev Shared memory of the invariant handlers: the deployed protocol, the actors, every job and batch the
/// handlers created, a mirror of each batch's last observed (state, attempt), what each party committed, and
/// the ghost totals the invariants compare against the contracts. Handlers write; invariants read.
/// Ghost figures come from the events of successful calls (the handlers record logs around every action),
/// never from the contracts' own counters, so a contract that mis-books is caught by the comparison.
contract World {
    MAIToken public immutable token;
    ProtocolConfig public immutable config;
    NodeRegistry public immutable registry;
    RewardEngine public immutable rewards;
    JobMarket public immutable jm;
    address public immutable faucet;
    address public immutable treasury;

    // ---------------------------------------------------------------- actors

    address[] internal _nodes;
    address[] internal _owners;
    address[] internal _requesters;
    mapping(address handler => bool) public isHandler;

    // ---------------------------------------------------------------- jobs and batches

    uint256[] internal _jobs;
    uint256[] internal _refs;
    mapping(uint256 ref => bool) public isRef;
    mapping(uint256 jobId => uint256) public batchesOf;

    /// @dev Mirror of the last observed batch head (only handler calls change batches, and each syncs).
    mapping(uint256 ref => uint8) public stateOf;
    mapping(uint256 ref => uint256) public attemptOf;

    /// @dev What parties committed: the primary's result root per attempt, the auditor's and each committee
    /// member's unit root per attempt key.
    mapping(uint256 ref => mapping(uint256 attempt => bytes32)) public primaryRoot;
    mapping(uint256 ref => mapping(uint256 attempt => bytes32)) public auditorRoot;
    mapping(uint256 ref => mapping(uint256 attempt => mapping(address member => bytes32))) public memberRoot;

    // ---------------------------------------------------------------- token ghosts

    address[] internal _holders;
    mapping(address => bool) public isHolder;
    uint256 public ghostMinted;
    uint256 public ghostBurned;
    uint256 public registryIn;
    uint256 public registryOut;
    uint256 public marketEscrowIn;
    uint256 public marketSlashIn;
    uint256 public marketBurnOut;
    uint256 public marketWithdrawOut;
    uint256 public marketOtherIn;

    // ---------------------------------------------------------------- protocol ghosts

    uint256 public slashTaken; // Σ Slashed.taken (registry)
    uint256 public slashReported; // Σ slashed in RevealWithheld + DisputeResolved (market)
    mapping(uint256 ref => uint256) public acceptedCount;
    uint256 public acceptedTotal;
    uint256 public emissionAccepted; // accepted batches that accrued emission
    uint256 public disputesOpened;
    uint256 public disputesResolved;
    uint256 public auditsDrawn;
    uint256 public auditsForced;
    uint256 public reopened;
    uint256 public frozen;
    mapping(uint256 jobId => mapping(address owner => bool)) internal _abandonedBy;
    mapping(uint256 jobId => uint256) public abandoningOwners; // distinct owners seen in BatchAbandoned

    mapping(uint256 epoch => mapping(address node => uint256)) public accrued;
    mapping(uint256 epoch => mapping(address node => uint256)) public claimedOf;
    mapping(uint256 epoch => mapping(address node => uint256)) public claimCount;
    mapping(uint256 epoch => uint256) public claimedInEpoch;
    mapping(address node => uint256[]) internal _workEpochs;
    mapping(uint256 epoch => mapping(address node => bool)) internal _hasWork;
    uint256 public maxEpochSeen;
    uint256 public claimsPaid;

    // ---------------------------------------------------------------- violations (must stay zero)

    uint256 public stateRegressions;
    uint256 public badRevealsAccepted;
    uint256 public earlyRevealsAccepted;
    uint256 public doubleClaimsAccepted;
    uint256 public unauthorizedAccepted;
    uint256 public sameOwnerSeatsAccepted;
    uint256 public freezesMiscounted; // JobFrozen.abandoners != distinct owners that abandoned the job

    // ---------------------------------------------------------------- call counters

    mapping(bytes32 => uint256) public calls;
    bytes32[] internal _callNames;

    modifier onlyHandler() {
        require(isHandler[msg.sender], "World: not a handler");
        _;
    }

    constructor(
        MAIToken token_,
        ProtocolConfig config_,
        NodeRegistry registry_,
        RewardEngine rewards_,
        JobMarket jm_,
        address faucet_,
        address treasury_
    ) {
        token = token_;
        config = config_;
        registry = registry_;
        rewards = rewards_;
        jm = jm_;
        faucet = faucet_;
        treasury = treasury_;
    }

    // ---------------------------------------------------------------- setup (called by the test contract)

    function addHandler(address h) external {
        isHandler[h] = true;
        _addHolder(h);
    }

    function addNode(address node, address owner) external {
        _nodes.push(node);
        _owners.push(owner);
        _addHolder(node);
        _addHolder(owner);
    }

    function addRequester(address r) external {
        _requesters.push(r);
        _addHolder(r);
    }

    function addHolder(address a) external {
        _addHolder(a);
    }

    // ---------------------------------------------------------------- handler writes

    function count(bytes32 name) external onlyHandler {
        if (calls[name] == 0) _callNames.push(name);
        ++calls[name];
    }

    function addJob(uint256 jobId, uint256 batches, uint256[] calldata refs_) external onlyHandler {
        _jobs.push(jobId);
        batchesOf[jobId] = batches;
        for (uint256 i; i < refs_.length; ++i) {
            _refs.push(refs_[i]);
            isRef[refs_[i]] = true;
        }
    }

    /// @dev Records an observed batch head; counts a regression if the attempt went back, or the state went
    /// back within one attempt.
    function observe(uint256 ref, uint8 state, uint256 attempt) external onlyHandler {
        uint256 lastAttempt = attemptOf[ref];
        if (attempt < lastAttempt || (attempt == lastAttempt && state < stateOf[ref])) ++stateRegressions;
        stateOf[ref] = state;
        attemptOf[ref] = attempt;
    }

    function setPrimaryRoot(uint256 ref, uint256 attempt, bytes32 root) external onlyHandler {
        primaryRoot[ref][attempt] = root;
    }

    function setAuditorRoot(uint256 ref, uint256 attempt, bytes32 root) external onlyHandler {
        auditorRoot[ref][attempt] = root;
    }

    function setMemberRoot(uint256 ref, uint256 attempt, address member, bytes32 root) external onlyHandler {
        memberRoot[ref][attempt][member] = root;
    }

    function noteTransfer(address from, address to, uint256 amount) external onlyHandler {
        _addHolder(from);
        _addHolder(to);
        address m = address(jm);
        address r = address(registry);
        if (from == address(0)) ghostMinted += amount;
        if (to == address(0)) ghostBurned += amount;
        if (to == r) registryIn += amount;
        if (from == r) registryOut += amount;
        if (to == m) {
            if (from == r) marketSlashIn += amount;
            else if (_isRequester(from)) marketEscrowIn += amount;
            else marketOtherIn += amount;
        }
        if (from == m) {
            if (to == address(0)) marketBurnOut += amount;
            else marketWithdrawOut += amount;
        }
    }

    function noteSlashTaken(uint256 amount) external onlyHandler {
        slashTaken += amount;
    }

    function noteSlashReported(uint256 amount) external onlyHandler {
        slashReported += amount;
    }

    function noteAccepted(uint256 ref, uint256 cu) external onlyHandler {
        ++acceptedCount[ref];
        ++acceptedTotal;
        if (cu != 0) ++emissionAccepted;
    }

    function noteDispute(bool opened) external onlyHandler {
        if (opened) ++disputesOpened;
        else ++disputesResolved;
    }

    function noteAuditDrawn(bool audited, bool forced) external onlyHandler {
        if (audited) ++auditsDrawn;
        if (forced) ++auditsForced;
    }

    function noteReopened() external onlyHandler {
        ++reopened;
    }

    function noteAbandoned(uint256 jobId, address owner) external onlyHandler {
        if (_abandonedBy[jobId][owner]) return;
        _abandonedBy[jobId][owner] = true;
        ++abandoningOwners[jobId];
    }

    /// @dev A job freezes only while live, so every abandon of it before the freeze was one the market recorded.
    function noteFrozen(uint256 jobId, uint256 abandoners) external onlyHandler {
        ++frozen;
        if (abandoners != abandoningOwners[jobId]) ++freezesMiscounted;
    }

    function noteAccrued(uint256 epoch, address node, uint256 weight) external onlyHandler {
        accrued[epoch][node] += weight;
        if (!_hasWork[epoch][node]) {
            _hasWork[epoch][node] = true;
            _workEpochs[node].push(epoch);
        }
        if (epoch > maxEpochSeen) maxEpochSeen = epoch;
    }

    function noteClaim(address node, uint256 epoch, uint256 amount) external onlyHandler {
        claimedOf[epoch][node] += amount;
        ++claimCount[epoch][node];
        claimedInEpoch[epoch] += amount;
        if (amount != 0) ++claimsPaid;
        if (epoch > maxEpochSeen) maxEpochSeen = epoch;
    }

    function violation(uint256 kind) external onlyHandler {
        if (kind == 0) ++badRevealsAccepted;
        else if (kind == 1) ++earlyRevealsAccepted;
        else if (kind == 2) ++doubleClaimsAccepted;
        else if (kind == 3) ++unauthorizedAccepted;
        else ++sameOwnerSeatsAccepted;
    }

    // ---------------------------------------------------------------- reads

    function nodes() external view returns (address[] memory) {
        return _nodes;
    }

    function nodeCount() external view returns (uint256) {
        return _nodes.length;
    }

    function nodeAt(uint256 i) external view returns (address) {
        return _nodes[i % _nodes.length];
    }

    function ownerAt(uint256 i) external view returns (address) {
        return _owners[i % _owners.length];
    }

    function owners() external view returns (address[] memory) {
        return _owners;
    }

    function requesters() external view returns (address[] memory) {
        return _requesters;
    }

    function requesterAt(uint256 i) external view returns (address) {
        return _requesters[i % _requesters.length];
    }

    function jobs() external view returns (uint256[] memory) {
        return _jobs;
    }

    function jobCount() external view returns (uint256) {
        return _jobs.length;
    }

    function refs() external view returns (uint256[] memory) {
        return _refs;
    }

    function refCount() external view returns (uint256) {
        return _refs.length;
    }

    function refAt(uint256 i) external view returns (uint256) {
        return _refs[i];
    }

    function holders() external view returns (address[] memory) {
        return _holders;
    }

    function workEpochs(address node) external view returns (uint256[] memory) {
        return _workEpochs[node];
    }

    function callNames() external view returns (bytes32[] memory) {
        return _callNames;
    }

    // ---------------------------------------------------------------- internal

    function _addHolder(address a) internal {
        if (a == address(0) || isHolder[a]) return;
        isHolder[a] = true;
        _holders.push(a);
    }

    function _isRequester(address a) internal view returns (bool) {
        for (uint256 i; i < _requesters.length; ++i) {
            if (_requesters[i] == a) return true;
        }
        return false;
    }
}
