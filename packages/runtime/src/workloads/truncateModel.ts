import type { ModelSpec } from "../engine/index.js";

/** The model up to the last hidden layer (its output is that layer's pre-activation). */
export function truncateModel(model: ModelSpec): ModelSpec {
  const width = model.hidden[model.hidden.length - 1];
  if (width === undefined) throw new Error("a model without hidden layers has no penultimate layer");
  return { ...model, hidden: model.hidden.slice(0, -1), classes: width };
}
