/**
 * A job's spec by its hash: fetched like any blob (hash-checked), then parsed by the runtime and
 * re-hashed canonically. `unrunnable` carries the abandon reason for a spec this node must refuse
 * (bad JSON or fields, an engine version it cannot reproduce, a hash that is not the spec's own).
 */
import { type JobSpec, SpecError, parseSpec, specHash } from "@maitoken/runtime";
import type { Hex } from "viem";
import type { BlobNetwork } from "../daemon/createBlobNetwork.js";

export type LoadSpecReturnType =
  | { kind: "ok"; spec: JobSpec }
  | { kind: "unavailable"; error: unknown }
  | { kind: "unrunnable"; reason: string; message: string };

export async function loadSpec(network: BlobNetwork, hash: Hex): Promise<LoadSpecReturnType> {
  let bytes: Uint8Array;
  try {
    bytes = await network.get(hash);
  } catch (error) {
    return { kind: "unavailable", error };
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    return {
      kind: "unrunnable",
      reason: "bad spec",
      message: (e as Error).message,
    };
  }
  let spec: JobSpec;
  try {
    spec = parseSpec(json);
  } catch (e) {
    const message = (e as Error).message;
    const engine = (json as { engine?: unknown })?.engine;
    const reason = /engine/i.test(message) && typeof engine === "string" ? "engine version" : "bad spec";
    return {
      kind: "unrunnable",
      reason: e instanceof SpecError ? reason : "bad spec",
      message,
    };
  }
  if (specHash(spec) !== hash) {
    return {
      kind: "unrunnable",
      reason: "bad spec",
      message: "the spec's canonical hash is not the job's specHash",
    };
  }
  return { kind: "ok", spec };
}
