import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import { canonicalizeNaN, decodeTensor, encodeTensor, hashTensor } from "./encode.js";

describe("encodeTensor", () => {
  it("writes dtype, rank, little-endian dims and data", () => {
    const bytes = encodeTensor({
      shape: [2, 1],
      data: Float32Array.from([1, -2]),
    });
    assert.deepEqual([...bytes], [1, 2, 2, 0, 0, 0, 1, 0, 0, 0, 0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0]);
  });
  it("encodes a scalar as rank 0", () => {
    assert.deepEqual([...encodeTensor({ shape: [], data: Float32Array.from([0]) })], [1, 0, 0, 0, 0, 0]);
  });
  it("canonicalises NaN payloads so that hashes agree", () => {
    const a = new Float32Array(2);
    const bits = new Uint32Array(a.buffer);
    bits[0] = 0x7fc00001;
    bits[1] = 0xffffffff;
    const b = Float32Array.from([Number.NaN, Number.NaN]);
    assert.equal(hashTensor({ shape: [2], data: a }), hashTensor({ shape: [2], data: b }));
    assert.deepEqual([...new Uint32Array(canonicalizeNaN(a).buffer)], [0x7fc00000, 0x7fc00000]);
    assert.equal(bits[0], 0x7fc00001, "input is not modified");
  });
  it("keeps -0 distinct from +0", () => {
    assert.notEqual(
      hashTensor({ shape: [1], data: Float32Array.from([-0]) }),
      hashTensor({ shape: [1], data: Float32Array.from([0]) }),
    );
  });
  it("round-trips and hashes with sha256", () => {
    const t = {
      shape: [3, 2],
      data: Float32Array.from([1.5, -0, 3e-45, Number.POSITIVE_INFINITY, 7, 8]),
    };
    const bytes = encodeTensor(t);
    const back = decodeTensor(bytes);
    assert.deepEqual(back.shape, t.shape);
    assert.deepEqual(new Uint8Array(back.data.buffer), new Uint8Array(t.data.buffer));
    assert.equal(hashTensor(t), `0x${createHash("sha256").update(bytes).digest("hex")}`);
  });
  it("rejects mismatched shapes and malformed bytes", () => {
    assert.throws(() => encodeTensor({ shape: [3], data: new Float32Array(2) }));
    assert.throws(() => decodeTensor(Uint8Array.from([2, 0, 0, 0, 0, 0])));
    assert.throws(() => decodeTensor(Uint8Array.from([1, 1, 2, 0, 0, 0, 0, 0])));
    assert.throws(() => decodeTensor(Uint8Array.from([1, 0, 0, 0, 0, 0, 9])));
  });
});
