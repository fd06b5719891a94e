export * from "./merkle.js";
// <generated:bindings>
export { maiTokenAbi } from "./abis/maiTokenAbi.js";
export { maiTokenBytecode } from "./bytecode/maiTokenBytecode.js";
export { protocolConfigAbi } from "./abis/protocolConfigAbi.js";
export { protocolConfigBytecode } from "./bytecode/protocolConfigBytecode.js";
export { nodeRegistryAbi } from "./abis/nodeRegistryAbi.js";
export { nodeRegistryBytecode } from "./bytecode/nodeRegistryBytecode.js";
export { rewardEngineAbi } from "./abis/rewardEngineAbi.js";
export { rewardEngineBytecode } from "./bytecode/rewardEngineBytecode.js";
export { jobMarketAbi } from "./abis/jobMarketAbi.js";
export { jobMarketBytecode } from "./bytecode/jobMarketBytecode.js";
export { jobMarketAuditsAbi } from "./abis/jobMarketAuditsAbi.js";
export { jobMarketAuditsBytecode } from "./bytecode/jobMarketAuditsBytecode.js";
export { jobMarketDisputesAbi } from "./abis/jobMarketDisputesAbi.js";
export { jobMarketDisputesBytecode } from "./bytecode/jobMarketDisputesBytecode.js";
export { blockhashRandomnessAbi } from "./abis/blockhashRandomnessAbi.js";
export { blockhashRandomnessBytecode } from "./bytecode/blockhashRandomnessBytecode.js";
export { timelockControllerAbi } from "./abis/timelockControllerAbi.js";
export { timelockControllerBytecode } from "./bytecode/timelockControllerBytecode.js";
// </generated:bindings>
export { auditProbabilityBps } from "./math/auditProbabilityBps.js";
export { baseline } from "./math/baseline.js";
export { type CheckLeaseParameters, type CheckLeaseReturnType, checkLease } from "./math/checkLease.js";
export { BPS, LN2_WAD, MAX_UINT256, WAD } from "./math/constants.js";
export { decayedSum } from "./math/decayedSum.js";
export { type DrawAuditReturnType, drawAudit } from "./math/drawAudit.js";
export type { EmissionParams } from "./math/EmissionParams.js";
export { type EpochEmissionReturnType, epochEmission } from "./math/epochEmission.js";
export { exp2 } from "./math/exp2.js";
export { isEligible } from "./math/isEligible.js";
export { MathError } from "./math/MathError.js";
export { onAccepted } from "./math/onAccepted.js";
export { onAuditPassed } from "./math/onAuditPassed.js";
export { onDisputeLost } from "./math/onDisputeLost.js";
export { onExpired } from "./math/onExpired.js";
export { quality } from "./math/quality.js";
export { score } from "./math/score.js";
export { stakeBoost } from "./math/stakeBoost.js";
export { type ThresholdReturnType, threshold } from "./math/threshold.js";
export { weight } from "./math/weight.js";
export {
  type Deployment,
  DeploymentError,
  type DeploymentFile,
  deploymentSchema,
  loadDeployment,
  serializeDeployment,
} from "./deployments.js";
export { findRepoRoot } from "./testing/findRepoRoot.js";
export { type LoadArtifactParameters, type LoadArtifactReturnType, loadArtifact } from "./testing/loadArtifact.js";
export { type StartAnvilParameters, type StartAnvilReturnType, freePort, startAnvil } from "./testing/startAnvil.js";
export {
  type DeployProtocolParameters,
  DeployError,
  MAX_SUPPLY,
  deployProtocol,
} from "./deploy/deployProtocol.js";
