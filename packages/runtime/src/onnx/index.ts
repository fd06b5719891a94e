/**
 * ONNX support of the runtime: protobuf I/O, the exact-mode interpreter on the deterministic
 * engine, tolerant mode on ONNX Runtime, the tolerance verdict, and export of engine models.
 */
export { runOnnx, type RunOnnxOptions } from "./runOnnx.js";
export { runExact } from "./runExact.js";
export { runTolerant } from "./runTolerant.js";
export { compareOutputs, type CompareOutputsReturnType, type Tolerance } from "./compareOutputs.js";
export { decodeModel } from "./decodeModel.js";
export { encodeModel, type EncodeModelOptions } from "./encodeModel.js";
export { createModel, type CreateModelParameters } from "./createModel.js";
export { assertExactSupported, findUnsupportedNodes, MIN_EXACT_OPSET, type UnsupportedOp } from "./findUnsupportedNodes.js";
export { EXACT_OPS } from "./exactOps.js";
export { EXPORT_INPUT, EXPORT_OUTPUT, exportOnnx } from "./exportOnnx.js";
export { OnnxError } from "./errors.js";
export * from "./types.js";
