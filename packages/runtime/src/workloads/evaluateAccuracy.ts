import { type ModelSpec, type Param, forward } from "../engine/index.js";
import type { DataSplit } from "../data/loadMnist.js";
import { selectItems } from "../data/selectItems.js";
import { modelInput } from "./trainContext.js";

// Rows per forward pass: a conv net's activations grow with the rows (250 rows of a 96/384-filter
// CNN held over 1 GB); 32 rows keep the GEMMs wide enough to run at full speed.
const EVAL_BATCH = 32;

/** Top-1 accuracy of a model on items [start, end) of a split (ties go to the lowest class). */
export function evaluateAccuracy(
  model: ModelSpec,
  params: Param[],
  split: DataSplit,
  start: number,
  end: number,
): number {
  let correct = 0;
  for (let a = start; a < end; a += EVAL_BATCH) {
    const b = Math.min(end, a + EVAL_BATCH);
    const batch = selectItems(split, a, b);
    const logits = forward(model, params, modelInput(model, batch.x));
    correct += countCorrect(logits.data, model.classes, batch.labels);
  }
  return correct / (end - start);
}

/** Rows of `logits` ([n, classes] row-major) whose argmax equals the label. */
export function countCorrect(logits: Float32Array, classes: number, labels: Int32Array): number {
  let correct = 0;
  for (let i = 0; i < labels.length; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++)
      if ((logits[i * classes + c] as number) > (logits[i * classes + best] as number)) best = c;
    if (best === labels[i]) correct++;
  }
  return correct;
}
