import assert from "node:assert/strict";
import { test } from "node:test";
import { ENGINE_VERSION } from "../engine/index.js";
import { parseSpec } from "./parseSpec.js";
import { SpecError } from "./SpecError.js";
import { specHash } from "./specHash.js";

const train = () => ({
  version: 1,
  engine: ENGINE_VERSION,
  kind: "train",
  seed: 7,
  dataset: { id: "mnist-v1", split: "train" },
  model: { kind: "mlp", inputSize: 784, hidden: [32, 16], classes: 10, activation: "relu" },
  optimizer: { kind: "sgd", lr: 0.1, momentum: 0.9 },
  batchSize: 32,
  stepsPerUnit: 20,
  checkpoints: 4,
  unitsPerChain: 2,
  chains: [{}, { optimizer: { lr: 0.05 } }],
});

function fields(input: unknown): string[] {
  try {
    parseSpec(input);
  } catch (err) {
    assert.ok(err instanceof SpecError, `expected SpecError, got ${err}`);
    return err.issues.map((i) => `${i.field}: ${i.message}`);
  }
  assert.fail("spec was accepted");
}

test("a valid train spec parses and its hash ignores key order", () => {
  const spec = parseSpec(train());
  assert.equal(spec.kind, "train");
  const reordered = Object.fromEntries(Object.entries(train()).reverse());
  assert.equal(specHash(parseSpec(reordered)), specHash(spec));
  assert.notEqual(specHash(parseSpec({ ...train(), seed: 8 })), specHash(spec));
});

test("bad fields are named with their path", () => {
  const s = train();
  s.model.hidden[1] = -3;
  assert.deepEqual(fields(s), ["spec.model.hidden[1]: expected positive integer"]);
  assert.deepEqual(fields({ ...train(), batchSize: undefined }), ["spec.batchSize: required (positive integer)"]);
  assert.deepEqual(fields({ ...train(), extra: 1 }), ['spec: Unrecognized key: "extra"']);
  assert.match(fields({ ...train(), checkpoints: 3 })[0], /^spec\.checkpoints: must divide stepsPerUnit \(20\)/);
  assert.match(
    fields({ ...train(), dataset: { id: "mnist-v1", split: "train", end: 9000 } })[0],
    /^spec\.dataset\.end: /,
  );
  assert.match(
    fields({ ...train(), dataset: { id: "cifar", split: "train" } })[0],
    /^spec\.dataset\.id: unknown dataset/,
  );
  const wrongInput = train();
  wrongInput.model.inputSize = 100;
  assert.match(fields(wrongInput)[0], /^spec\.model\.inputSize: must be 784/);
  assert.deepEqual(fields({ ...train(), chains: [{ optimizer: { beta1: 0.9 } }] }), [
    "spec.chains[0].optimizer.beta1: not a field of the sgd optimizer",
  ]);
  assert.match(
    fields({ ...train(), chains: [{ optimizer: { lr: 0 } }] })[0],
    /^spec\.chains\[0\]\.optimizer\.lr: expected positive number/,
  );
  assert.match(fields([1, 2])[0], /^spec: expected a JSON object/);
});

test("a spec pinning another engine version is refused", () => {
  const [issue] = fields({ ...train(), engine: "mai-engine/999" });
  assert.match(issue, /^spec\.engine: .*mai-engine\/999.*cannot reproduce/);
});

test("infer and data specs validate their own fields", () => {
  const infer = {
    version: 1,
    engine: ENGINE_VERSION,
    kind: "infer",
    mode: "exact",
    model: { onnx: "m.onnx", arch: train().model },
    dataset: { id: "mnist-v1", split: "test", start: 0, end: 100 },
    itemsPerUnit: 50,
  };
  assert.equal(parseSpec(infer).kind, "infer");
  assert.match(fields({ ...infer, mode: "fast" })[0], /^spec\.mode: /);
  assert.match(
    fields({ ...infer, tolerance: { abs: 1e-4, rel: 1e-3 } })[0],
    /^spec\.tolerance: only allowed in tolerant mode/,
  );
  const data = {
    version: 1,
    engine: ENGINE_VERSION,
    kind: "data",
    seed: 1,
    dataset: { id: "mnist-v1", split: "test", end: 100 },
    itemsPerUnit: 50,
    transforms: [
      { op: "normalize", mean: 0.13, std: 0.3 },
      { op: "embed", model: train().model },
    ],
    dedup: true,
  };
  assert.equal(parseSpec(data).kind, "data");
  assert.match(
    fields({ ...data, transforms: [{ op: "normalize", mean: 0, std: 0 }] })[0],
    /^spec\.transforms\[0\]\.std: expected positive number/,
  );
  assert.match(fields({ ...data, transforms: [{ op: "blur" }] })[0], /^spec\.transforms\[0\]\.op: /);
});
