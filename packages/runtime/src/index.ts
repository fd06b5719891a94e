/**
 * @maitoken/runtime: the deterministic engine, ONNX I/O, datasets, canonical hashing, job specs
 * and the train / infer / data workloads with proof-of-learning.
 */
export * from "./engine/index.js";
export * from "./onnx/index.js";

export { DATASETS, type DatasetInfo, type SplitName } from "./data/datasets.js";
export { getDataset, type Dataset } from "./data/getDataset.js";
export { datasetHash } from "./data/datasetHash.js";
export type { DataSplit } from "./data/loadMnist.js";
export { gatherItems, type Batch } from "./data/gatherItems.js";
export { selectItems } from "./data/selectItems.js";
export { createDataOrder, type DataOrder } from "./data/createDataOrder.js";

export { canonicalJson } from "./hash/canonicalJson.js";
export { sha256 } from "./hash/sha256.js";
export { resultRoot } from "./hash/resultRoot.js";
export { type Checkpoint, checkpointHash, decodeCheckpoint, encodeCheckpoint } from "./hash/checkpoint.js";

export * from "./spec/schema.js";
export { parseSpec } from "./spec/parseSpec.js";
export { loadSpecFile, type LoadedSpec } from "./spec/loadSpecFile.js";
export { specHash } from "./spec/specHash.js";
export { itemRange } from "./spec/itemRange.js";
export { SpecError, type SpecIssue } from "./spec/SpecError.js";

export type { ItemsUnitResult, JobResult, TrainUnitRef, TrainUnitResult } from "./workloads/types.js";
export { computeUnits, type ComputeUnitsReturnType } from "./workloads/computeUnits.js";
export { initialCheckpoint, runTrainUnit, verifySegment, type RunTrainUnitParameters } from "./workloads/train.js";
export { PolError } from "./workloads/PolError.js";
export { runTrainJob, type RunTrainJobOptions, type TrainJobResult } from "./workloads/runTrainJob.js";
export { runInferUnit, type InferUnitResult } from "./workloads/infer.js";
export { runInferJob, type InferJobResult } from "./workloads/runInferJob.js";
export { runDataUnit, type DataUnitResult } from "./workloads/data.js";
export { runDataJob, type DataJobResult } from "./workloads/runDataJob.js";
export { evaluateAccuracy } from "./workloads/evaluateAccuracy.js";
export { benchDevice, type BenchDeviceReturnType } from "./bench/benchDevice.js";
export { runJob, type AnyJobResult, type RunJobOptions } from "./workloads/runJob.js";
export { runUnit, trainUnitRef, type RunUnitInputs, type UnitResult } from "./workloads/runUnit.js";
export { trainAndExport, type TrainAndExportReturnType } from "./workloads/trainAndExport.js";
