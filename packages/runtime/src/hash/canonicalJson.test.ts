import assert from "node:assert/strict";
import { test } from "node:test";
import { canonicalJson } from "./canonicalJson.js";

test("canonicalJson sorts keys at every depth and drops undefined members", () => {
  const a = canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: "x" }, u: undefined });
  assert.equal(a, '{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}');
  assert.equal(canonicalJson({ a: { c: "x", d: [3, { y: 2, z: 1 }] }, b: 1 }), a);
});

test("canonicalJson refuses values JSON cannot carry, naming where they are", () => {
  assert.throws(() => canonicalJson({ a: [1, Number.NaN] }), /\$\.a\[1\] is NaN/);
  assert.throws(() => canonicalJson({ a: 1n }), /\$\.a is a bigint/);
});
