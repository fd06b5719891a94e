import { layersOf } from "./layers.js";
import type { ModelSpec } from "./types.js";

/** Per-element cost charged for a layer norm (center, square, normalise, scale, shift). */
export const LAYER_NORM_FLOPS_PER_ELEMENT = 5;

/**
 * Canonical forward FLOPs per example (DESIGN 5.6): dense = 2*in*out + out (bias),
 * conv = 2*F*OH*OW*(C*k*k) + F*OH*OW (bias), activation = 1 per element, pooling = 1 per window
 * element read (C*OH*OW*4 for the 2x2 pools), layer norm = 5 per element, flatten = 0.
 * The softmax/loss is not part of the forward count; a training step counts 3x forward.
 */
export function forwardFlops(spec: ModelSpec): number {
  let total = 0;
  for (const l of layersOf(spec)) {
    switch (l.kind) {
      case "dense":
        total += 2 * l.inSize * l.outSize + l.outSize;
        break;
      case "conv": {
        const outs = l.outC * l.outH * l.outW;
        total += 2 * outs * l.inC * l.k * l.k + outs;
        break;
      }
      case "act":
        total += l.size;
        break;
      case "pool":
        total += l.c * l.outH * l.outW * 4;
        break;
      case "norm":
        total += LAYER_NORM_FLOPS_PER_ELEMENT * l.size;
        break;
      case "flatten":
        break;
    }
  }
  return total;
}
