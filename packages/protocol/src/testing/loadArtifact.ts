import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Abi, Hex } from "viem";
import { findRepoRoot } from "./findRepoRoot.js";

export type LoadArtifactParameters = {
  /** Contract name; the artifact is `contracts/out/<file>/<name>.json`. */
  name: string;
  /** Source file name when it differs from `<name>.sol`. */
  file?: string;
  /** Run `forge build` when the artifact is missing (default true). */
  build?: boolean;
};
export type LoadArtifactReturnType = { abi: Abi; bytecode: Hex; deployedBytecode: Hex };

/**
 * Reads a forge artifact (ABI + creation bytecode), building the contracts once if it is missing.
 * @example const { abi, bytecode } = loadArtifact({ name: "MathHarness" });
 */
export function loadArtifact(parameters: LoadArtifactParameters): LoadArtifactReturnType {
  const { name, file = `${name}.sol`, build = true } = parameters;
  const root = findRepoRoot();
  const artifactPath = path.join(root, "contracts", "out", file, `${name}.json`);
  if (!existsSync(artifactPath) && build) {
    const res = spawnSync(path.join(root, "node_modules", ".bin", "forge"), ["build"], {
      cwd: path.join(root, "contracts"),
      encoding: "utf8",
    });
    if (res.status !== 0) throw new Error(`forge build failed (${res.status}): ${res.stderr || res.stdout}`);
  }
  if (!existsSync(artifactPath)) {
    throw new Error(`no artifact at ${artifactPath}: run \`npm run build:contracts\` first`);
  }
  const json = JSON.parse(readFileSync(artifactPath, "utf8")) as {
    abi: Abi;
    bytecode: { object: Hex };
    deployedBytecode: { object: Hex };
  };
  return { abi: json.abi, bytecode: json.bytecode.object, deployedBytecode: json.deployedBytecode.object };
}
