import assert from "node:assert/strict";
import { test } from "node:test";
import { type Hex, keccak256, toHex } from "viem";
import { merkleLeaf, merkleProof, merkleRoot, verifyMerkleProof } from "./merkle.js";

const values = (n: number): Hex[] => Array.from({ length: n }, (_, i) => keccak256(toHex(`v${i}`)));

test("one-leaf root is the leaf bound to index 0", () => {
  const [v] = values(1);
  assert.equal(merkleRoot([v]), merkleLeaf(0, v));
});

test("every proof verifies, at its own index only", () => {
  for (const n of [1, 2, 3, 5, 8, 13, 32]) {
    const vs = values(n);
    const root = merkleRoot(vs);
    for (let i = 0; i < n; i++) {
      const proof = merkleProof(vs, i);
      assert.ok(verifyMerkleProof(root, i, vs[i], proof), `n=${n} i=${i}`);
      if (n > 1) assert.ok(!verifyMerkleProof(root, (i + 1) % n, vs[i], proof), `replayed at other index n=${n} i=${i}`);
    }
  }
});

test("swapping two values changes the root", () => {
  const vs = values(4);
  const swapped = [vs[1], vs[0], vs[2], vs[3]];
  assert.notEqual(merkleRoot(vs), merkleRoot(swapped));
});

test("an index beyond the padded tree is rejected", () => {
  const vs = values(4);
  const root = merkleRoot(vs);
  assert.ok(!verifyMerkleProof(root, 4, vs[0], merkleProof(vs, 0)));
});
