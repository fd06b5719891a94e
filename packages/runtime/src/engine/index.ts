export { ENGINE_VERSION } from "./version.js";
export type { Activation, Backend, ConvLayerSpec, Hex, ModelSpec, OptimizerSpec, Param, Prng, Tensor, TrainState } from "./types.js";
export { fexp, flog, ftanh } from "./fmath.js";
export { createPrng } from "./prng.js";
export { getBackend, setBackend } from "./backend.js";
export {
  add, avgPool2d, concat, conv2d, gelu, gemm, layerNorm, matmul, maxPool2d, mul, relu, reshape, sigmoid, softmax, tanh, transpose,
} from "./ops.js";
export {
  createTrainState, decodeTrainState, encodeTrainState, forward, forwardFlops, initParams, trainStep,
} from "./model.js";
export { canonicalizeNaN, decodeTensor, encodeTensor, hashTensor } from "./encode.js";
