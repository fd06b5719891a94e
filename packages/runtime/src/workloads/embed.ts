import {
  type ModelSpec,
  type Param,
  type Tensor,
  forward,
  gelu,
  initParams,
  relu,
  sigmoid,
  tanh,
} from "../engine/index.js";
import { truncateModel } from "./truncateModel.js";

export interface Embedder {
  /** Rows of x ([n, ...]) through the model; [n, width]. */
  embed(x: Tensor): Tensor;
  width: number;
}

/**
 * Embeddings through a seeded engine model: the logits, or the penultimate layer (last hidden
 * layer after its activation). The penultimate layer runs the model truncated after that layer,
 * whose parameters are a prefix of the full model's (checked, so a change in the engine's
 * parameter layout fails loudly instead of producing other numbers).
 */
export function createEmbedder(model: ModelSpec, seed: number, layer: "penultimate" | "logits"): Embedder {
  const full = initParams(model, seed);
  if (layer === "logits" || model.hidden.length === 0) {
    return { width: model.classes, embed: (x) => forward(model, full, input(model, x)) };
  }
  if (model.kind === "mlp" && model.layerNorm)
    throw new Error('penultimate embeddings of layer-normed MLPs are not supported; use layer "logits"');
  const cut = truncateModel(model);
  const shapes = initParams(cut, seed);
  const params: Param[] = full.slice(0, shapes.length);
  const prefix = shapes.every(
    (p, i) => p.name === params[i]?.name && p.tensor.shape.join(",") === params[i]?.tensor.shape.join(","),
  );
  if (!prefix) throw new Error("the engine's parameter layout does not allow a penultimate-layer cut of this model");
  const act = { relu, gelu, tanh, sigmoid }[model.activation];
  return { width: cut.classes, embed: (x) => act(forward(cut, params, input(cut, x))) };
}

function input(model: ModelSpec, x: Tensor): Tensor {
  const n = x.shape[0] as number;
  return model.kind === "mlp"
    ? { shape: [n, model.inputSize], data: x.data }
    : { shape: [n, ...model.inputShape], data: x.data };
}
