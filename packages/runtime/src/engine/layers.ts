/**
 * The layer list of a ModelSpec, shared by init, forward, backward and the FLOP counter, so the
 * four can never disagree on the architecture.
 *
 * mlp: dense{i} [-> norm{i}] -> act for each hidden size, then dense{H} (logits).
 * cnn: conv{i} -> act -> pool 2x2/2 for each conv layer (stride default 1, padding default
 *      floor(kernel/2)), flatten, then dense{j} -> act for each hidden size, then the logits dense.
 */
import type { Activation, ModelSpec } from "./types.js";

export type Layer =
  | { kind: "dense"; name: string; inSize: number; outSize: number }
  | { kind: "norm"; name: string; size: number }
  | { kind: "act"; activation: Activation; size: number }
  | {
      kind: "conv";
      name: string;
      inC: number;
      outC: number;
      k: number;
      stride: number;
      pad: number;
      inH: number;
      inW: number;
      outH: number;
      outW: number;
    }
  | {
      kind: "pool";
      pool: "max" | "avg";
      c: number;
      inH: number;
      inW: number;
      outH: number;
      outW: number;
    }
  | { kind: "flatten"; size: number };

export const LAYER_NORM_EPS = 1e-5;

function positiveInt(v: number, what: string): void {
  if (!Number.isInteger(v) || v <= 0) throw new Error(`model spec: ${what} must be a positive integer, got ${v}`);
}

/** Expands a spec into its ordered layers (validating it). */
export function layersOf(spec: ModelSpec): Layer[] {
  const layers: Layer[] = [];
  positiveInt(spec.classes, "classes");
  let size: number;
  if (spec.kind === "mlp") {
    positiveInt(spec.inputSize, "inputSize");
    size = spec.inputSize;
  } else if (spec.kind === "cnn") {
    let [c, h, w] = spec.inputShape;
    positiveInt(c, "inputShape[0]");
    positiveInt(h, "inputShape[1]");
    positiveInt(w, "inputShape[2]");
    spec.conv.forEach((cv, i) => {
      positiveInt(cv.filters, `conv[${i}].filters`);
      positiveInt(cv.kernel, `conv[${i}].kernel`);
      const stride = cv.stride ?? 1;
      const pad = cv.padding ?? Math.floor(cv.kernel / 2);
      positiveInt(stride, `conv[${i}].stride`);
      if (!Number.isInteger(pad) || pad < 0) throw new Error(`model spec: conv[${i}].padding must be >= 0`);
      const oh = Math.floor((h + 2 * pad - cv.kernel) / stride) + 1;
      const ow = Math.floor((w + 2 * pad - cv.kernel) / stride) + 1;
      if (oh < 2 || ow < 2) throw new Error(`model spec: conv[${i}] output ${oh}x${ow} is too small to pool`);
      layers.push({
        kind: "conv",
        name: `conv${i}`,
        inC: c,
        outC: cv.filters,
        k: cv.kernel,
        stride,
        pad,
        inH: h,
        inW: w,
        outH: oh,
        outW: ow,
      });
      layers.push({
        kind: "act",
        activation: spec.activation,
        size: cv.filters * oh * ow,
      });
      const ph = Math.floor(oh / 2);
      const pw = Math.floor(ow / 2);
      layers.push({
        kind: "pool",
        pool: spec.pool,
        c: cv.filters,
        inH: oh,
        inW: ow,
        outH: ph,
        outW: pw,
      });
      [c, h, w] = [cv.filters, ph, pw];
    });
    size = c * h * w;
    layers.push({ kind: "flatten", size });
  } else {
    throw new Error(`model spec: unknown kind ${(spec as { kind: string }).kind}`);
  }
  spec.hidden.forEach((hs, i) => {
    positiveInt(hs, `hidden[${i}]`);
    layers.push({
      kind: "dense",
      name: `dense${i}`,
      inSize: size,
      outSize: hs,
    });
    if (spec.kind === "mlp" && spec.layerNorm) layers.push({ kind: "norm", name: `norm${i}`, size: hs });
    layers.push({ kind: "act", activation: spec.activation, size: hs });
    size = hs;
  });
  layers.push({
    kind: "dense",
    name: `dense${spec.hidden.length}`,
    inSize: size,
    outSize: spec.classes,
  });
  return layers;
}

/** Number of input features per example. */
export function inputSizeOf(spec: ModelSpec): number {
  return spec.kind === "mlp" ? spec.inputSize : spec.inputShape[0] * spec.inputShape[1] * spec.inputShape[2];
}
