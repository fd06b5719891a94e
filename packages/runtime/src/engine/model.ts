import type { ModelSpec, OptimizerSpec, Param, Tensor, TrainState } from "./types.js";

const todo = (n: string): never => {
  throw new Error(`${n}: not implemented`);
};
export function initParams(spec: ModelSpec, seed: number): Param[] { return todo("initParams"); }
export function forward(spec: ModelSpec, params: Param[], x: Tensor): Tensor { return todo("forward"); }
export function createTrainState(spec: ModelSpec, opt: OptimizerSpec, seed: number): TrainState { return todo("createTrainState"); }
/** One optimizer step on (x, labels) in place; returns the float32 mean cross-entropy loss. */
export function trainStep(spec: ModelSpec, opt: OptimizerSpec, state: TrainState, x: Tensor, labels: Int32Array): number { return todo("trainStep"); }
export function encodeTrainState(state: TrainState): Uint8Array { return todo("encodeTrainState"); }
export function decodeTrainState(bytes: Uint8Array): TrainState { return todo("decodeTrainState"); }
export function forwardFlops(spec: ModelSpec): number { return todo("forwardFlops"); }
