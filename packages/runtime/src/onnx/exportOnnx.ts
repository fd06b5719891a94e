/**
 * Engine model -> ONNX, so a model trained on the network can be served by an `infer` job.
 *
 * The graph is generated from the engine's own layer list (`layersOf`), the same list its forward
 * pass walks, so the two cannot disagree on the architecture. Every layer maps to one ONNX op
 * whose exact-mode implementation calls the engine kernel the forward pass uses; exact mode
 * therefore reproduces `forward` bit for bit, and ONNX Runtime reproduces it within float error.
 */
import { ENGINE_VERSION, type ModelSpec, type Param } from "../engine/index.js";
import { LAYER_NORM_EPS, layersOf } from "../engine/layers.js";
import { createModel } from "./createModel.js";
import { encodeModel } from "./encodeModel.js";
import { OnnxError } from "./errors.js";
import type { OnnxAttribute, OnnxNode, OnnxTensor } from "./types.js";

/** Graph input and output names of exported models. */
export const EXPORT_INPUT = "input";
export const EXPORT_OUTPUT = "logits";

const ACTIVATION_OP = { relu: "Relu", tanh: "Tanh", sigmoid: "Sigmoid", gelu: "Gelu" } as const;

/**
 * Exports an engine MLP or CNN with its parameters. The input is `input` ([batch, inputSize] for
 * an MLP, [batch, C, H, W] for a CNN) and the output `logits` [batch, classes]. The opset is the
 * lowest that holds the model: 13, 17 with layer norm, 20 with GELU (tanh form).
 * @example
 * const bytes = exportOnnx(spec, state.params);
 * const { logits } = await runOnnx(bytes, { input: x }, { mode: "exact" });
 */
export function exportOnnx(spec: ModelSpec, params: Param[]): Uint8Array {
  const layers = layersOf(spec);
  const byName = new Map(params.map((p) => [p.name, p]));
  const used = new Set<string>();
  const initializers: OnnxTensor[] = [];
  const param = (name: string, size: number): string => {
    const p = byName.get(name);
    if (!p) throw new OnnxError(`cannot export: parameter '${name}' is missing`);
    if (p.tensor.data.length !== size) {
      throw new OnnxError(`cannot export: parameter '${name}' has ${p.tensor.data.length} values, the spec needs ${size}`);
    }
    used.add(name);
    initializers.push({ name, dataType: 1, dims: [...p.tensor.shape], data: p.tensor.data });
    return name;
  };

  const nodes: OnnxNode[] = [];
  let current = EXPORT_INPUT;
  let opset = 13;
  const emit = (name: string, opType: string, extraInputs: string[], attribute: OnnxAttribute[] = []): void => {
    const output = `${name}.out`;
    nodes.push({ name, opType, domain: "", input: [current, ...extraInputs], output: [output], attribute });
    current = output;
  };

  layers.forEach((l, i) => {
    switch (l.kind) {
      case "dense":
        emit(l.name, "Gemm", [param(`${l.name}.weight`, l.outSize * l.inSize), param(`${l.name}.bias`, l.outSize)], [
          { name: "transB", type: "int", value: 1 },
        ]);
        break;
      case "norm":
        opset = Math.max(opset, 17);
        emit(l.name, "LayerNormalization", [param(`${l.name}.weight`, l.size), param(`${l.name}.bias`, l.size)], [
          { name: "axis", type: "int", value: -1 },
          { name: "epsilon", type: "float", value: LAYER_NORM_EPS },
        ]);
        break;
      case "act":
        if (l.activation === "gelu") opset = Math.max(opset, 20);
        emit(
          `act${i}`,
          ACTIVATION_OP[l.activation],
          [],
          l.activation === "gelu" ? [{ name: "approximate", type: "string", value: "tanh" }] : [],
        );
        break;
      case "conv":
        emit(l.name, "Conv", [param(`${l.name}.weight`, l.outC * l.inC * l.k * l.k), param(`${l.name}.bias`, l.outC)], [
          { name: "kernel_shape", type: "ints", value: [l.k, l.k] },
          { name: "strides", type: "ints", value: [l.stride, l.stride] },
          { name: "pads", type: "ints", value: [l.pad, l.pad, l.pad, l.pad] },
        ]);
        break;
      case "pool":
        // The engine pools 2x2 with stride 2 and no padding (floor), as layersOf computes outH/outW.
        emit(`pool${i}`, l.pool === "max" ? "MaxPool" : "AveragePool", [], [
          { name: "kernel_shape", type: "ints", value: [2, 2] },
          { name: "strides", type: "ints", value: [2, 2] },
        ]);
        break;
      case "flatten":
        emit(`flatten${i}`, "Flatten", [], [{ name: "axis", type: "int", value: 1 }]);
        break;
    }
  });
  const unused = params.filter((p) => !used.has(p.name)).map((p) => p.name);
  if (unused.length > 0) throw new OnnxError(`cannot export: parameters [${unused.join(", ")}] are not part of the spec`);
  // Name the final value as the graph output.
  const last = nodes[nodes.length - 1] as OnnxNode;
  last.output = [EXPORT_OUTPUT];

  const inputShape = spec.kind === "mlp" ? ["batch", spec.inputSize] : ["batch", ...spec.inputShape];
  return encodeModel(
    createModel({
      opset,
      nodes,
      inputs: [{ name: EXPORT_INPUT, shape: inputShape }],
      outputs: [{ name: EXPORT_OUTPUT, shape: ["batch", spec.classes] }],
      initializers,
      graphName: `maitoken-${spec.kind}`,
      producerVersion: ENGINE_VERSION,
    }),
  );
}
