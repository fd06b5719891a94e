/**
 * ONNX bytes of a seeded engine MLP (Gemm with transB = 1, since engine dense weights are
 * [out, in], then the activation), for the device bench and the infer tests.
 * Interim: the ONNX package's general exporter (MLP and CNN) replaces this once published.
 */
import { type ModelSpec, type Param, initParams } from "../engine/index.js";
import { createModel } from "../onnx/createModel.js";
import { encodeModel } from "../onnx/encodeModel.js";
import type { OnnxNode, OnnxTensor } from "../onnx/types.js";

const ACT = { relu: "Relu", tanh: "Tanh", sigmoid: "Sigmoid", gelu: "Gelu" } as const;

export function exportEngineModel(model: ModelSpec, seedOrParams: number | Param[]): Uint8Array {
  if (model.kind !== "mlp" || model.layerNorm) throw new Error("exportEngineModel: only plain MLPs");
  const params = typeof seedOrParams === "number" ? initParams(model, seedOrParams) : seedOrParams;
  const initializers: OnnxTensor[] = params.map((p) => ({ name: p.name, dataType: 1, dims: [...p.tensor.shape], data: p.tensor.data }));
  const nodes: OnnxNode[] = [];
  let x = "input";
  model.hidden.forEach((_, i) => {
    nodes.push({ name: `dense${i}`, opType: "Gemm", domain: "", input: [x, `dense${i}.weight`, `dense${i}.bias`], output: [`h${i}`], attribute: [{ name: "transB", type: "int", value: 1 }] });
    nodes.push({ name: `act${i}`, opType: ACT[model.activation], domain: "", input: [`h${i}`], output: [`a${i}`], attribute: [] });
    x = `a${i}`;
  });
  const last = model.hidden.length;
  nodes.push({ name: `dense${last}`, opType: "Gemm", domain: "", input: [x, `dense${last}.weight`, `dense${last}.bias`], output: ["logits"], attribute: [{ name: "transB", type: "int", value: 1 }] });
  return encodeModel(
    createModel({
      opset: model.activation === "gelu" ? 20 : 13,
      nodes,
      inputs: [{ name: "input", shape: ["batch", model.inputSize] }],
      outputs: [{ name: "logits", shape: ["batch", model.classes] }],
      initializers,
    }),
  );
}
