import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { type Deployment, type DeploymentInput, deploymentSchema } from "./deploymentSchema.js";
import { defaultDeploymentsDir } from "./loadDeployment.js";

/**
 * Validates and writes `<dir>/<chainId>.json` atomically (temp file + rename, so readers never see half a file).
 * @returns The path written.
 * @example saveDeployment({ chainId: 31337, block: 1, addresses, parameters: { epochLength: 10 } });
 */
export function saveDeployment(deployment: DeploymentInput, dir: string = defaultDeploymentsDir()): string {
  const valid: Deployment = deploymentSchema.parse(deployment);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${valid.chainId}.json`);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(valid, null, 2)}\n`);
  renameSync(tmp, file);
  return file;
}
