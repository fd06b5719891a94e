/**
 * Exact mode: interprets the graph node by node on the deterministic engine, so that every honest
 * node produces the same output bytes (DESIGN 5.4) and results compare by hash.
 */
import type { Tensor } from "../engine/index.js";
import { nodeLabel } from "./attributes.js";
import { OnnxError } from "./errors.js";
import { EXACT_OPS, nodeError, type OpContext, type Value, valueFromOnnxTensor } from "./exactOps.js";
import { assertExactSupported, standardOpset } from "./findUnsupportedNodes.js";
import type { OnnxModel } from "./types.js";

/**
 * Runs a decoded model on float32 inputs and returns its graph outputs.
 * @example
 * const out = runExact(decodeModel(bytes), { input: { shape: [2, 4], data: new Float32Array(8) } });
 */
export function runExact(model: OnnxModel, inputs: Record<string, Tensor>): Record<string, Tensor> {
  const ctx: OpContext = { opset: standardOpset(model) };
  assertExactSupported(model);
  const graph = model.graph;
  const values = new Map<string, Value>();
  // Initializers of other types (bool, double, ...) only matter if a node reads them.
  const unusable = new Map<string, number>();
  for (const init of graph.initializer) {
    if (init.dataType === 1 || init.dataType === 6 || init.dataType === 7) values.set(init.name, valueFromOnnxTensor(init));
    else unusable.set(init.name, init.dataType);
  }
  bindInputs(model, inputs, values);
  checkTopology(model, values, unusable);

  for (const node of graph.node) {
    const ins = node.input.map((name) => (name === "" ? undefined : values.get(name)));
    const def = EXACT_OPS[node.opType];
    if (!def) throw nodeError(node, "unsupported op"); // unreachable after assertExactSupported
    let outs: Value[];
    try {
      outs = def.run(node, ins, ctx);
    } catch (err) {
      if (err instanceof OnnxError) throw err;
      throw nodeError(node, (err as Error).message);
    }
    node.output.forEach((name, i) => {
      const v = outs[i];
      if (name !== "" && v) values.set(name, v);
    });
  }

  const out: Record<string, Tensor> = {};
  for (const o of graph.output) {
    const v = values.get(o.name);
    if (!v) throw new OnnxError(`graph output '${o.name}' is never produced`);
    if (v.kind !== "float") throw new OnnxError(`graph output '${o.name}' is int64; only float32 outputs are supported`);
    out[o.name] = v.tensor;
  }
  return out;
}

function bindInputs(model: OnnxModel, inputs: Record<string, Tensor>, values: Map<string, Value>): void {
  const initNames = new Set(model.graph.initializer.map((t) => t.name));
  const graphInputs = model.graph.input.filter((i) => !initNames.has(i.name) || i.name in inputs);
  const expected = graphInputs.filter((i) => !initNames.has(i.name)).map((i) => i.name);
  const allowed = new Set(graphInputs.map((i) => i.name));
  const given = Object.keys(inputs);
  const missing = expected.filter((n) => !(n in inputs));
  const extra = given.filter((n) => !allowed.has(n));
  if (missing.length > 0 || extra.length > 0) {
    throw new OnnxError(`inputs do not match the model: it expects [${expected.join(", ")}], got [${given.join(", ")}]`, {
      details: { missing, extra },
    });
  }
  for (const info of graphInputs) {
    const t = inputs[info.name] as Tensor;
    const count = t.shape.reduce((p, d) => p * d, 1);
    if (!(t.data instanceof Float32Array) || t.data.length !== count) {
      throw new OnnxError(`input '${info.name}' must be a Float32Array of ${count} values for shape [${t.shape.join(", ")}]`);
    }
    if (info.elemType !== 1) throw new OnnxError(`input '${info.name}' has element type ${info.elemType}; only float32 inputs are supported`);
    if (info.shape) {
      const ok = info.shape.length === t.shape.length && info.shape.every((d, i) => typeof d !== "number" || d === t.shape[i]);
      if (!ok) {
        throw new OnnxError(`input '${info.name}' has shape [${t.shape.join(", ")}], the model declares [${info.shape.map((d) => (d === "" ? "?" : d)).join(", ")}]`);
      }
    }
    values.set(info.name, { kind: "float", tensor: t });
  }
}

/** ONNX rules the interpreter relies on: nodes topologically sorted (every input exists when read), names unique. */
function checkTopology(model: OnnxModel, values: Map<string, Value>, unusable: Map<string, number>): void {
  const defined = new Set(values.keys());
  const names = new Set<string>();
  for (const node of model.graph.node) {
    if (node.name !== "") {
      if (names.has(node.name)) throw new OnnxError(`two nodes are named '${node.name}'; node names must be unique`);
      names.add(node.name);
    }
    for (const name of node.input) {
      const dataType = unusable.get(name);
      if (dataType !== undefined && !defined.has(name)) {
        throw new OnnxError(
          `node '${nodeLabel(node)}' reads initializer '${name}' of data type ${dataType}; exact mode holds only float32 and int64 (int32 widened)`,
        );
      }
      if (name !== "" && !defined.has(name)) {
        throw new OnnxError(`node '${nodeLabel(node)}' reads '${name}', which no earlier node, input or initializer defines`);
      }
    }
    for (const name of node.output) if (name !== "") defined.add(name);
  }
}
