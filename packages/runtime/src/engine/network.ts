/**
 * Forward and backward passes over the layer list of layers.ts. Dense: y = x W^T + b through the
 * GEMM kernel (W is [out, in], read transposed by strides), bias added after the full sum.
 */
import { activationBackward, activationForward } from "./activations.js";
import { type Conv2dCache, conv2dBackward, conv2dForward } from "./conv2d.js";
import { gemmKernel } from "./gemmKernel.js";
import { LAYER_NORM_EPS, type Layer, inputSizeOf, layersOf } from "./layers.js";
import { type LayerNormCache, layerNormBackward, layerNormForward } from "./layerNorm.js";
import { type PoolOptions, avgPool2dBackward, maxPool2dBackward, maxPool2dForward } from "./pool.js";
import { avgPool2d } from "./pool.js";
import type { ModelSpec, Param, Tensor } from "./types.js";
import { checkTensor, f } from "./util.js";

type Cache =
  | { kind: "dense"; x: Float32Array }
  | { kind: "act"; x: Float32Array; y: Float32Array }
  | { kind: "norm"; cache: LayerNormCache }
  | { kind: "conv"; cache: Conv2dCache }
  | { kind: "maxpool"; argmax: Int32Array; inputSize: number }
  | { kind: "avgpool"; x: Tensor; opts: PoolOptions }
  | { kind: "flatten" };

export interface ForwardResult {
  logits: Tensor;
  caches: Cache[];
  layers: Layer[];
}

const POOL: PoolOptions = {
  kernel: [2, 2],
  stride: [2, 2],
  pads: [0, 0, 0, 0],
};

function byName(params: Param[]): Map<string, Float32Array> {
  return new Map(params.map((p) => [p.name, p.tensor.data]));
}

function need(map: Map<string, Float32Array>, name: string, size: number): Float32Array {
  const d = map.get(name);
  if (!d) throw new Error(`model: missing parameter ${name}`);
  if (d.length !== size) throw new Error(`model: parameter ${name} has ${d.length} elements, expected ${size}`);
  return d;
}

/** Forward pass; x is [batch, ...] with inputSize features per example. */
export function forwardWithCache(spec: ModelSpec, params: Param[], x: Tensor): ForwardResult {
  checkTensor(x, "forward");
  const layers = layersOf(spec);
  const features = inputSizeOf(spec);
  const batch = x.shape[0] ?? 0;
  if (x.shape.length < 2 || batch * features !== x.data.length)
    throw new Error(
      `forward: input [${x.shape}] is not [batch, ${spec.kind === "mlp" ? features : spec.inputShape.join(", ")}]`,
    );
  const p = byName(params);
  let cur = x.data;
  const caches: Cache[] = [];
  for (const l of layers) {
    switch (l.kind) {
      case "dense": {
        const w = need(p, `${l.name}.weight`, l.outSize * l.inSize);
        const b = need(p, `${l.name}.bias`, l.outSize);
        const y = gemmKernel(
          batch,
          l.outSize,
          l.inSize,
          { data: cur, rs: l.inSize, cs: 1 },
          { data: w, rs: 1, cs: l.inSize },
        );
        for (let r = 0; r < batch; r++)
          for (let j = 0; j < l.outSize; j++) y[r * l.outSize + j] = f(y[r * l.outSize + j] + b[j]);
        caches.push({ kind: "dense", x: cur });
        cur = y;
        break;
      }
      case "norm": {
        const g = need(p, `${l.name}.weight`, l.size);
        const b = need(p, `${l.name}.bias`, l.size);
        const r = layerNormForward(cur, g, b, l.size, LAYER_NORM_EPS);
        caches.push({ kind: "norm", cache: r.cache });
        cur = r.y;
        break;
      }
      case "act": {
        const y = activationForward(l.activation, cur);
        caches.push({ kind: "act", x: cur, y });
        cur = y;
        break;
      }
      case "conv": {
        const w = need(p, `${l.name}.weight`, l.outC * l.inC * l.k * l.k);
        const b = need(p, `${l.name}.bias`, l.outC);
        const r = conv2dForward(
          { shape: [batch, l.inC, l.inH, l.inW], data: cur },
          { shape: [l.outC, l.inC, l.k, l.k], data: w },
          { shape: [l.outC], data: b },
          { stride: [l.stride, l.stride], pads: [l.pad, l.pad, l.pad, l.pad] },
        );
        caches.push({ kind: "conv", cache: r.cache });
        cur = r.y.data;
        break;
      }
      case "pool": {
        const xt: Tensor = { shape: [batch, l.c, l.inH, l.inW], data: cur };
        if (l.pool === "max") {
          const r = maxPool2dForward(xt, POOL);
          caches.push({
            kind: "maxpool",
            argmax: r.argmax,
            inputSize: cur.length,
          });
          cur = r.y.data;
        } else {
          caches.push({ kind: "avgpool", x: xt, opts: POOL });
          cur = avgPool2d(xt, POOL).data;
        }
        break;
      }
      case "flatten":
        caches.push({ kind: "flatten" });
        break;
    }
  }
  return {
    logits: { shape: [batch, spec.classes], data: cur },
    caches,
    layers,
  };
}

/** Gradients (same order and names as params) from dL/dlogits. */
export function backward(fr: ForwardResult, params: Param[], dlogits: Float32Array): Map<string, Float32Array> {
  const p = byName(params);
  const grads = new Map<string, Float32Array>();
  let d = dlogits;
  for (let i = fr.layers.length - 1; i >= 0; i--) {
    const l = fr.layers[i];
    const c = fr.caches[i];
    const first = i === 0;
    if (l.kind === "dense" && c.kind === "dense") {
      const batch = c.x.length / l.inSize;
      // dW [out, in] = dY^T [out, batch] * X [batch, in]
      grads.set(
        `${l.name}.weight`,
        gemmKernel(l.outSize, l.inSize, batch, { data: d, rs: 1, cs: l.outSize }, { data: c.x, rs: l.inSize, cs: 1 }),
      );
      const db = new Float32Array(l.outSize);
      for (let r = 0; r < batch; r++) for (let j = 0; j < l.outSize; j++) db[j] = f(db[j] + d[r * l.outSize + j]);
      grads.set(`${l.name}.bias`, db);
      if (!first) {
        const w = need(p, `${l.name}.weight`, l.outSize * l.inSize);
        d = gemmKernel(batch, l.inSize, l.outSize, { data: d, rs: l.outSize, cs: 1 }, { data: w, rs: l.inSize, cs: 1 });
      }
    } else if (l.kind === "norm" && c.kind === "norm") {
      const r = layerNormBackward(c.cache, need(p, `${l.name}.weight`, l.size), d);
      grads.set(`${l.name}.weight`, r.dgamma);
      grads.set(`${l.name}.bias`, r.dbeta);
      d = r.dx;
    } else if (l.kind === "act" && c.kind === "act") {
      d = activationBackward(l.activation, c.x, c.y, d);
    } else if (l.kind === "conv" && c.kind === "conv") {
      const r = conv2dBackward(c.cache, d, !first);
      grads.set(`${l.name}.weight`, r.dw);
      grads.set(`${l.name}.bias`, r.db);
      if (r.dx) d = r.dx;
    } else if (c.kind === "maxpool") {
      d = maxPool2dBackward(c.argmax, d, c.inputSize);
    } else if (c.kind === "avgpool") {
      d = avgPool2dBackward(c.x, c.opts, d);
    }
  }
  return grads;
}

/** Logits [batch, classes] of the model on x [batch, ...]. */
export function forward(spec: ModelSpec, params: Param[], x: Tensor): Tensor {
  return forwardWithCache(spec, params, x).logits;
}
