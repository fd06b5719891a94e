import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The checkout root: the nearest ancestor of this file holding both `contracts/` and `node_modules/`.
 * @example findRepoRoot() // "/work/main"
 */
export function findRepoRoot(from: string = path.dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (;;) {
    if (existsSync(path.join(dir, "contracts")) && existsSync(path.join(dir, "node_modules"))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no repository root (contracts/ + node_modules/) above ${from}`);
    dir = parent;
  }
}
