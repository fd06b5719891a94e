/**
 * Typed attribute lookup for interpreter ops. A wrong attribute type is a malformed model, so it
 * throws instead of silently falling back to the default.
 */
import { OnnxError } from "./errors.js";
import type { OnnxAttribute, OnnxNode } from "./types.js";

type ValueOf<K extends OnnxAttribute["type"]> = Extract<OnnxAttribute, { type: K }>["value"];

export function getAttribute<K extends Exclude<OnnxAttribute["type"], "unsupported">>(
  node: OnnxNode,
  name: string,
  type: K,
): ValueOf<K> | undefined {
  const attr = node.attribute.find((a) => a.name === name);
  if (!attr) return undefined;
  if (attr.type !== type) {
    throw new OnnxError(`node '${nodeLabel(node)}': attribute '${name}' is ${attr.type}, expected ${type}`);
  }
  return attr.value as unknown as ValueOf<K> | undefined;
}

/** A human label for error messages: the node name, or op type and first output when unnamed. */
export function nodeLabel(node: OnnxNode): string {
  return node.name !== "" ? node.name : `${node.opType}->${node.output[0] ?? "?"}`;
}

