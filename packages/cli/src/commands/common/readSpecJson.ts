import { readFileSync } from "node:fs";
import path from "node:path";
import { SdkError } from "@maitoken/node/sdk";

/** The raw JSON of a spec file and the directory its relative paths resolve against (validation is the SDK's). */
export function readSpecJson(file: string): { spec: unknown; baseDir: string } {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (cause) {
    throw new SdkError("BAD_SPEC", `Cannot read the spec ${file}: ${(cause as Error).message}`, { cause });
  }
  try {
    return {
      spec: JSON.parse(text),
      baseDir: path.dirname(path.resolve(file)),
    };
  } catch (cause) {
    throw new SdkError("BAD_SPEC", `${file} is not valid JSON: ${(cause as Error).message}`, { cause });
  }
}
