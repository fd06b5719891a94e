import type { BatchResult } from "@maitoken/node/sdk";

/**
 * The network's predictions of an inference job against the labels: each output row's arg-max class,
 * row i of unit u being item `start + u * itemsPerUnit + i` of the split.
 */
export function scorePredictions(
  batches: readonly BatchResult[],
  labels: ArrayLike<number>,
  start: number,
  itemsPerUnit: number,
): { correct: number; total: number } {
  let correct = 0;
  let total = 0;
  for (const b of batches) {
    for (const { unit, output } of b.outputs ?? []) {
      const classes = output.shape[1] ?? 1;
      for (let i = 0; i < (output.shape[0] ?? 0); i++) {
        let best = 0;
        for (let c = 1; c < classes; c++) {
          if ((output.data[i * classes + c] as number) > (output.data[i * classes + best] as number)) best = c;
        }
        if (best === labels[start + unit * itemsPerUnit + i]) correct += 1;
        total += 1;
      }
    }
  }
  return { correct, total };
}
