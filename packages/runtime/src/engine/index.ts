// Public API of the deterministic engine (see docs/RUNTIME.md, section "Engine").
export { ENGINE_VERSION } from "./version.js";
export type {
  Activation,
  Backend,
  ConvLayerSpec,
  Hex,
  ModelSpec,
  OptimizerSpec,
  Param,
  Prng,
  Tensor,
  TrainState,
} from "./types.js";
export { fexp, flog, ftanh } from "./fmath.js";
export { createPrng } from "./prng.js";
export { getBackend, setBackend } from "./backend.js";
export { matmul } from "./matmul.js";
export { gemm, type GemmOptions } from "./gemm.js";
export { add, div, mul, sub } from "./elementwise.js";
export { gelu, relu, sigmoid, tanh } from "./activations.js";
export { softmax, softmaxCrossEntropy } from "./softmax.js";
export { conv2d, type Conv2dOptions } from "./conv2d.js";
export { avgPool2d, maxPool2d, type PoolOptions } from "./pool.js";
export { concat, reshape, transpose } from "./shape.js";
export { layerNorm } from "./layerNorm.js";
export { initParams } from "./initParams.js";
export { forward } from "./network.js";
export { createTrainState } from "./trainState.js";
export { trainStep } from "./trainStep.js";
export { decodeTrainState, encodeTrainState } from "./stateCodec.js";
export { forwardFlops } from "./forwardFlops.js";
export {
  canonicalizeNaN,
  decodeTensor,
  encodeTensor,
  hashTensor,
} from "./encode.js";
