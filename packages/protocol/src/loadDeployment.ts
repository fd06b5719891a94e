import { readFileSync } from "node:fs";
import path from "node:path";
import { type Deployment, deploymentSchema } from "./deploymentSchema.js";
import { findRepoRoot } from "./testing/findRepoRoot.js";

/** Thrown when a deployment file is missing, not JSON, invalid, or for another chain. */
export class DeploymentError extends Error {
  override name = "DeploymentError";
  constructor(
    message: string,
    readonly file: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** `MAI_DEPLOYMENTS_DIR`, else `<repo>/contracts/deployments` (where the Foundry deploy script may write). */
export function defaultDeploymentsDir(): string {
  return process.env.MAI_DEPLOYMENTS_DIR ?? path.join(findRepoRoot(), "contracts", "deployments");
}

/**
 * Reads and validates `<dir>/<chainId>.json`.
 * @throws DeploymentError with the file path and what to do when it is missing or invalid.
 * @example const { addresses } = loadDeployment(31337);
 */
export function loadDeployment(chainId: number, dir: string = defaultDeploymentsDir()): Deployment {
  const file = path.join(dir, `${chainId}.json`);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (cause) {
    throw new DeploymentError(
      `no deployment for chain ${chainId} at ${file}: deploy first (\`mai deploy\` or \`npm start\`), or pass the directory that holds it`,
      file,
      { cause },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new DeploymentError(`${file} is not valid JSON: ${(cause as Error).message}`, file, { cause });
  }
  const parsed = deploymentSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    throw new DeploymentError(`${file} is not a valid deployment: ${issues}`, file, { cause: parsed.error });
  }
  if (parsed.data.chainId !== chainId) {
    throw new DeploymentError(`${file} is for chain ${parsed.data.chainId}, not ${chainId}`, file);
  }
  return parsed.data;
}
