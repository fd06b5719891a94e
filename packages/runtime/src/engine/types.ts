/** Dense float32 tensor, row-major (NCHW for images). */
export interface Tensor {
  shape: number[];
  data: Float32Array;
}

/** 0x-prefixed lowercase hex string (structurally identical to viem's Hex). */
export type Hex = `0x${string}`;

export type Activation = "relu" | "gelu" | "tanh" | "sigmoid";

export interface ConvLayerSpec {
  filters: number;
  kernel: number;
  stride?: number;
  padding?: number;
}

export type ModelSpec =
  | {
      kind: "mlp";
      inputSize: number;
      hidden: number[];
      classes: number;
      activation: Activation;
      layerNorm?: boolean;
    }
  | {
      kind: "cnn";
      inputShape: [number, number, number];
      conv: ConvLayerSpec[];
      pool: "max" | "avg";
      hidden: number[];
      classes: number;
      activation: Activation;
    };

export type OptimizerSpec =
  | { kind: "sgd"; lr: number; momentum: number }
  | { kind: "adam"; lr: number; beta1: number; beta2: number; eps: number };

/** A named model parameter; order and names are canonical (e.g. "dense0.weight"). */
export interface Param {
  name: string;
  tensor: Tensor;
}

/** Complete training state; moments[i] holds the optimizer buffers of params[i]. */
export interface TrainState {
  params: Param[];
  moments: Float32Array[][];
  step: number;
  cursor: number;
  prng: Uint32Array;
}

/** xoshiro128** generator. */
export interface Prng {
  nextU32(): number;
  nextFloat(): number;
  state(): Uint32Array;
}

export type Backend = "js" | "wasm";
