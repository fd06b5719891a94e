/**
 * The requester SDK (`@maitoken/node/sdk`): price, post, watch, verify and cancel jobs on any chain
 * the protocol is deployed on. Every function takes the `SdkClients` from `createSdkClients`.
 */
export { type CancelJobReturnType, cancelJob } from "./cancelJob.js";
export {
  type CreateSdkClientsParameters,
  type SdkClients,
  createSdkClients,
} from "./createSdkClients.js";
export {
  type EstimateJobParameters,
  type EstimateJobReturnType,
  estimateJob,
} from "./estimateJob.js";
export {
  type FetchBatchOutputsParameters,
  type FetchBatchOutputsReturnType,
  fetchBatchOutputs,
} from "./fetchBatchOutputs.js";
export { type BlobEndpoint, findBlobEndpoints } from "./findBlobEndpoints.js";
export {
  type BatchResult,
  type GetResultsParameters,
  type GetResultsReturnType,
  getResults,
} from "./getResults.js";
export {
  BATCH_STATES,
  type BatchStateName,
  type JobStatusReturnType,
  batchRef,
  getJobStatus,
} from "./getJobStatus.js";
export {
  type JobLayoutParameters,
  type JobLayoutReturnType,
  jobLayout,
} from "./jobLayout.js";
export { SdkError, type SdkErrorCode } from "./SdkError.js";
export {
  DEVICE_CLASSES,
  type DeviceClassName,
  type SubmitJobParameters,
  type SubmitJobReturnType,
  submitJob,
} from "./submitJob.js";
export { toRuntimeUnit } from "./toRuntimeUnit.js";
export { toSdkError } from "./toSdkError.js";
export { type WatchJobParameters, watchJob } from "./watchJob.js";
