import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { findRepoRoot } from "../testing/findRepoRoot.js";
import { loadArtifact } from "../testing/loadArtifact.js";
import { lowerCamel, renderBindings, renderIndexBlock } from "./renderBindings.js";

const src = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Creation bytecode without solc's CBOR metadata tail (its length is the last two bytes). */
function stripMetadata(hex: string): string {
  const length = Number.parseInt(hex.slice(-4), 16);
  return hex.slice(0, hex.length - (length + 2) * 2);
}

test("lowerCamel names the exports", () => {
  assert.equal(lowerCamel("MAIToken"), "maiToken");
  assert.equal(lowerCamel("NodeRegistry"), "nodeRegistry");
  assert.equal(lowerCamel("BlockhashRandomness"), "blockhashRandomness");
});

test("renderIndexBlock replaces its block and keeps the rest", () => {
  loadArtifact({ name: "MAIToken" }); // builds the contracts once if out/ is missing
  const [b] = renderBindings({ root: findRepoRoot(), names: ["MAIToken"] }).bindings;
  assert.ok(b, "MAIToken artifact present");
  const once = renderIndexBlock('export * from "./merkle.js";\n', [b]);
  assert.match(once, /export \{ maiTokenAbi \} from "\.\/abis\/maiTokenAbi\.js";/);
  assert.equal(renderIndexBlock(once, [b]), once);
  assert.ok(once.startsWith('export * from "./merkle.js";'));
});

test("committed ABIs and bytecode match the current forge artifacts (run `npm run generate:abis`)", () => {
  loadArtifact({ name: "MAIToken" }); // builds the contracts once if out/ is missing
  const { bindings } = renderBindings({ root: findRepoRoot() });
  assert.ok(bindings.some((b) => b.name === "MAIToken"));
  const index = readFileSync(path.join(src, "index.ts"), "utf8");
  for (const b of bindings) {
    const abiPath = path.join(src, b.abiFile);
    const bytecodePath = path.join(src, b.bytecodeFile);
    assert.ok(existsSync(abiPath), `${b.abiFile} missing: run npm run generate:abis`);
    assert.ok(existsSync(bytecodePath), `${b.bytecodeFile} missing: run npm run generate:abis`);
    assert.equal(readFileSync(abiPath, "utf8"), b.abiSource, `${b.abiFile} is stale: run npm run generate:abis`);
    const committed = /"(0x[0-9a-f]*)"/.exec(readFileSync(bytecodePath, "utf8"))?.[1] ?? "";
    const current = /"(0x[0-9a-f]*)"/.exec(b.bytecodeSource)?.[1] ?? "";
    assert.equal(
      stripMetadata(committed),
      stripMetadata(current),
      `${b.bytecodeFile} is stale: run npm run generate:abis`,
    );
    assert.ok(index.includes(`export { ${b.abiExport} }`), `index.ts does not export ${b.abiExport}`);
  }
});
