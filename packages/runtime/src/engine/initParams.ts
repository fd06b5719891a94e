import { layersOf } from "./layers.js";
import { createPrng } from "./prng.js";
import type { ModelSpec, Param, Prng } from "./types.js";
import { f } from "./util.js";

/**
 * Draws the parameters in canonical order from `prng`. Weights are uniform in [-l, l] with
 * l = sqrt(6 / fan_in) (He) for relu/gelu and sqrt(6 / (fan_in + fan_out)) (Xavier) for
 * tanh/sigmoid; each weight is fround((2u - 1) * l), u = prng.nextFloat(). Biases and
 * layer-norm beta are 0, gamma is 1. Names: conv{i}.weight [F,C,k,k], conv{i}.bias [F],
 * dense{i}.weight [out,in], dense{i}.bias [out], norm{i}.weight / norm{i}.bias [size].
 */
export function initParamsFrom(spec: ModelSpec, prng: Prng): Param[] {
  const params: Param[] = [];
  const he = spec.activation === "relu" || spec.activation === "gelu";
  const uniform = (n: number, fanIn: number, fanOut: number): Float32Array => {
    const limit = f(Math.sqrt(f(6 / (he ? fanIn : fanIn + fanOut))));
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = f(f(f(2 * prng.nextFloat()) - 1) * limit);
    return out;
  };
  for (const l of layersOf(spec)) {
    if (l.kind === "dense") {
      params.push({
        name: `${l.name}.weight`,
        tensor: {
          shape: [l.outSize, l.inSize],
          data: uniform(l.outSize * l.inSize, l.inSize, l.outSize),
        },
      });
      params.push({
        name: `${l.name}.bias`,
        tensor: { shape: [l.outSize], data: new Float32Array(l.outSize) },
      });
    } else if (l.kind === "conv") {
      const fanIn = l.inC * l.k * l.k;
      params.push({
        name: `${l.name}.weight`,
        tensor: {
          shape: [l.outC, l.inC, l.k, l.k],
          data: uniform(l.outC * fanIn, fanIn, l.outC * l.k * l.k),
        },
      });
      params.push({
        name: `${l.name}.bias`,
        tensor: { shape: [l.outC], data: new Float32Array(l.outC) },
      });
    } else if (l.kind === "norm") {
      params.push({
        name: `${l.name}.weight`,
        tensor: { shape: [l.size], data: new Float32Array(l.size).fill(1) },
      });
      params.push({
        name: `${l.name}.bias`,
        tensor: { shape: [l.size], data: new Float32Array(l.size) },
      });
    }
  }
  return params;
}

/** Seeded, deterministic parameter initialisation (see initParamsFrom). */
export function initParams(spec: ModelSpec, seed: number): Param[] {
  return initParamsFrom(spec, createPrng(seed));
}
