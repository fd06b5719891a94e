import type { ModelSpec } from "../engine/index.js";
import type { Transform } from "./schema.js";

/** Shape of one item after a transform. */
export function transformShape(t: Transform, shape: number[]): number[] {
  if (t.op === "normalize") return shape;
  if (t.op === "avgPool") {
    const [c, h, w] = shape.length === 3 ? shape : [1, shape[0] ?? 1, 1];
    return [c, Math.floor(h / t.size), Math.floor(w / t.size)];
  }
  const model = t.model as ModelSpec;
  if ((t.layer ?? "penultimate") === "logits" || model.hidden.length === 0) return [model.classes];
  return [model.hidden[model.hidden.length - 1] as number];
}
