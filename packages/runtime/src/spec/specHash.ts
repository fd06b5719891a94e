import type { Hex } from "../engine/index.js";
import { canonicalJson } from "../hash/canonicalJson.js";
import { sha256 } from "../hash/sha256.js";
import type { JobSpec } from "./schema.js";

/** sha256 of the spec's canonical JSON (sorted keys, no whitespace): the job's `specHash`. */
export function specHash(spec: JobSpec): Hex {
  return sha256(canonicalJson(spec));
}
