import { initParamsFrom } from "./initParams.js";
import { momentCount } from "./optimizer.js";
import { createPrng } from "./prng.js";
import type { ModelSpec, OptimizerSpec, TrainState } from "./types.js";

/**
 * Fresh training state: parameters drawn exactly as initParams(spec, seed), zeroed moments,
 * step 0, cursor 0, and the PRNG state left after initialisation (the workload may draw from it,
 * e.g. for data order, and must store it back).
 */
export function createTrainState(spec: ModelSpec, opt: OptimizerSpec, seed: number): TrainState {
  const prng = createPrng(seed);
  const params = initParamsFrom(spec, prng);
  const k = momentCount(opt);
  const moments = params.map((p) => Array.from({ length: k }, () => new Float32Array(p.tensor.data.length)));
  return { params, moments, step: 0, cursor: 0, prng: prng.state() };
}
