/**
 * A small builder for well-formed single-graph models, shared by the exporter and the tests, so
 * that both write models the same way (IR version matched to the opset, float32 I/O).
 */
import { DataType, type OnnxDim, type OnnxModel, type OnnxNode, type OnnxTensor } from "./types.js";

export interface CreateModelParameters {
  /** Version of the standard "ai.onnx" operator set. */
  opset: number;
  nodes: OnnxNode[];
  /** Float32 graph inputs with their shapes (symbolic dims allowed). */
  inputs: { name: string; shape: OnnxDim[] }[];
  outputs: { name: string; shape?: OnnxDim[] }[];
  initializers?: OnnxTensor[];
  graphName?: string;
  /** Recorded as producer_version; the exporter puts the engine version here. */
  producerVersion?: string;
}

/**
 * @example
 * const model = createModel({
 *   opset: 13,
 *   nodes: [{ name: "r", opType: "Relu", domain: "", input: ["x"], output: ["y"], attribute: [] }],
 *   inputs: [{ name: "x", shape: ["batch", 4] }],
 *   outputs: [{ name: "y" }],
 * });
 */
export function createModel(p: CreateModelParameters): OnnxModel {
  return {
    // Lowest IR version that ONNX Runtime accepts with this opset.
    irVersion: p.opset >= 21 ? 10 : p.opset >= 19 ? 9 : p.opset >= 15 ? 8 : 7,
    opsetImport: [{ domain: "", version: p.opset }],
    producerName: "maitoken",
    producerVersion: p.producerVersion ?? "1",
    graph: {
      name: p.graphName ?? "main",
      node: p.nodes,
      initializer: p.initializers ?? [],
      input: p.inputs.map((i) => ({ name: i.name, elemType: DataType.FLOAT, shape: i.shape })),
      output: p.outputs.map((o) =>
        o.shape ? { name: o.name, elemType: DataType.FLOAT, shape: o.shape } : { name: o.name, elemType: DataType.FLOAT },
      ),
      valueInfo: [],
    },
  };
}
