/**
 * @maitoken/node: the daemon (`createNode`), its options (`buildOptions`) and the pieces roles share.
 * The requester SDK is a separate entry point (`@maitoken/node/sdk`).
 */
export { BaseError, isRetryable } from "./errors.js";
export {
  type BuildOptionsParameters,
  buildOptions,
  type NodeOptions,
  type NodeOptionsInput,
  type NodeRole,
  nodeOptionsSchema,
  nodeRoles,
} from "./config/buildOptions.js";
export {
  type CreateNodeParameters,
  createNode,
  type NodeHandle,
} from "./daemon/createNode.js";
export type { NodeContext } from "./daemon/NodeContext.js";
export type { BatchManifest } from "./miner/BatchManifest.js";
export { planBatch, checkJob } from "./miner/planBatch.js";
export { createLogger } from "./log/createLogger.js";
export { createMetrics } from "./metrics/createMetrics.js";
