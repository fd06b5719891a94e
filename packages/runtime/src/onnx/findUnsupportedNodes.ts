/**
 * Static pre-flight for exact mode: every node whose op (or op configuration) the interpreter
 * cannot run, grouped by op type. Runs before any computation so that a node can refuse an infer
 * job immediately and with the complete list.
 */
import { nodeLabel } from "./attributes.js";
import { EXACT_OPS, type OpContext } from "./exactOps.js";
import { OnnxError } from "./errors.js";
import type { OnnxModel } from "./types.js";

export interface UnsupportedOp {
  /** "domain::OpType" for non-standard domains, otherwise the op type. */
  opType: string;
  /** Labels of the nodes using it (node name, or "Op->firstOutput" when unnamed). */
  nodes: string[];
  /** Set when the op exists but this configuration of it does not. */
  reasons: string[];
}

/** The lowest "ai.onnx" opset whose semantics the interpreter implements for all its ops. */
export const MIN_EXACT_OPSET = 7;

/**
 * @example
 * const problems = findUnsupportedNodes(decodeModel(bytes));
 * if (problems.length > 0) console.log(problems.map((p) => p.opType));
 */
export function findUnsupportedNodes(model: OnnxModel): UnsupportedOp[] {
  const ctx: OpContext = { opset: standardOpset(model) };
  const byOp = new Map<string, UnsupportedOp>();
  for (const node of model.graph.node) {
    const standard = node.domain === "" || node.domain === "ai.onnx";
    const def = standard ? EXACT_OPS[node.opType] : undefined;
    let reason: string | undefined;
    if (def?.check) {
      try {
        reason = def.check(node, ctx);
      } catch (err) {
        reason = (err as Error).message;
      }
    }
    if (def && reason === undefined) continue;
    const key = standard ? node.opType : `${node.domain}::${node.opType}`;
    const entry = byOp.get(key) ?? { opType: key, nodes: [], reasons: [] };
    entry.nodes.push(nodeLabel(node));
    if (reason !== undefined && !entry.reasons.includes(reason)) entry.reasons.push(reason);
    byOp.set(key, entry);
  }
  return [...byOp.values()];
}

/** The imported "ai.onnx" opset version; exact mode needs one at or above MIN_EXACT_OPSET. */
export function standardOpset(model: OnnxModel): number {
  const entry = model.opsetImport.find((o) => o.domain === "" || o.domain === "ai.onnx");
  if (!entry) throw new OnnxError("the model imports no standard (ai.onnx) operator set");
  if (entry.version < MIN_EXACT_OPSET) {
    throw new OnnxError(`exact mode needs opset ${MIN_EXACT_OPSET} or newer; the model uses opset ${entry.version}`);
  }
  return entry.version;
}

/** One error naming every unsupported op and its nodes, or nothing. */
export function assertExactSupported(model: OnnxModel): void {
  const problems = findUnsupportedNodes(model);
  if (problems.length === 0) return;
  const parts = problems.map((p) => {
    const how = p.reasons.length > 0 ? ` with ${p.reasons.join("; ")}` : "";
    return `${p.opType}${how} (node${p.nodes.length > 1 ? "s" : ""} ${p.nodes.map((n) => `'${n}'`).join(", ")})`;
  });
  throw new OnnxError(
    `exact mode cannot run this model; unsupported: ${parts.join(", ")}. Use tolerant mode or re-export the model with supported ops (${Object.keys(EXACT_OPS).join(", ")})`,
    { details: { unsupported: problems } },
  );
}
