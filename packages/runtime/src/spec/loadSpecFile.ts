import { readFileSync } from "node:fs";
import path from "node:path";
import type { JobSpec } from "./schema.js";
import { parseSpec } from "./parseSpec.js";
import { SpecError } from "./SpecError.js";

export interface LoadedSpec {
  spec: JobSpec;
  /** Directory relative paths inside the spec (e.g. an ONNX model) are resolved against. */
  baseDir: string;
}

/** Reads and validates a spec file; unreadable files and bad JSON are SpecErrors too. */
export function loadSpecFile(file: string): LoadedSpec {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new SpecError([{ field: "spec", message: `cannot read ${file}: ${(err as Error).message}` }]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new SpecError([{ field: "spec", message: `${file} is not valid JSON: ${(err as Error).message}` }]);
  }
  return { spec: parseSpec(json), baseDir: path.dirname(path.resolve(file)) };
}
