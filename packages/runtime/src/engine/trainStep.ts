import { backward, forwardWithCache } from "./network.js";
import { applyUpdate, momentCount } from "./optimizer.js";
import { softmaxCrossEntropy } from "./softmax.js";
import type { ModelSpec, OptimizerSpec, Tensor, TrainState } from "./types.js";

/**
 * One optimizer step on (x, labels) in place: forward, mean softmax cross-entropy, backward,
 * update every parameter in canonical order, step += 1. The cursor and PRNG are left to the
 * caller (the workload owns the data order). Returns the float32 loss before the update.
 */
export function trainStep(
  spec: ModelSpec,
  opt: OptimizerSpec,
  state: TrainState,
  x: Tensor,
  labels: Int32Array,
): number {
  const fr = forwardWithCache(spec, state.params, x);
  const { loss, grad } = softmaxCrossEntropy(fr.logits, labels);
  const grads = backward(fr, state.params, grad);
  const k = momentCount(opt);
  state.params.forEach((p, i) => {
    const g = grads.get(p.name);
    if (!g) throw new Error(`trainStep: no gradient for ${p.name}`);
    const m = state.moments[i];
    if (!m || m.length !== k)
      throw new Error(
        `trainStep: state holds ${m?.length ?? 0} moment buffers for ${p.name}, optimizer ${opt.kind} needs ${k}`,
      );
    applyUpdate(opt, p.tensor.data, g, m, state.step);
  });
  state.step += 1;
  return loss;
}
