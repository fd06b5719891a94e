/**
 * Writes `src/abis/<name>Abi.ts` and `src/bytecode/<name>Bytecode.ts` for every deployable with a forge
 * artifact, and the export block of `src/index.ts`. Run through `npm run generate:abis` (which builds first).
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { renderBindings, renderIndexBlock } from "../src/codegen/renderBindings.js";

const pkg = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const root = path.resolve(pkg, "..", "..");
const src = path.join(pkg, "src");

const { bindings, skipped } = renderBindings({ root });
mkdirSync(path.join(src, "abis"), { recursive: true });
mkdirSync(path.join(src, "bytecode"), { recursive: true });
for (const b of bindings) {
  writeFileSync(path.join(src, b.abiFile), b.abiSource);
  writeFileSync(path.join(src, b.bytecodeFile), b.bytecodeSource);
}
const indexPath = path.join(src, "index.ts");
writeFileSync(indexPath, renderIndexBlock(readFileSync(indexPath, "utf8"), bindings));
console.log(
  `wrote ${bindings.map((b) => b.name).join(", ") || "nothing"}${skipped.length ? `; no artifact for ${skipped.join(", ")}` : ""}`,
);
