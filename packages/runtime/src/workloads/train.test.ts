import assert from "node:assert/strict";
import { test } from "node:test";
import { merkleProof, verifyMerkleProof } from "@maitoken/protocol";
import { type TrainState, forwardFlops } from "../engine/index.js";
import { checkpointHash, decodeCheckpoint, encodeCheckpoint } from "../hash/checkpoint.js";
import { computeUnits } from "./computeUnits.js";
import { PolError } from "./PolError.js";
import { runTrainJob } from "./runTrainJob.js";
import { smallTrainSpec } from "./testSpecs.js";
import { initialCheckpoint, runTrainUnit, verifySegment } from "./train.js";

const spec = smallTrainSpec();
const job = runTrainJob(spec);
const unit = (chain: number, u: number) => job.units[chain * spec.unitsPerChain + u]!;

test("units chain: checkpoint 0 is the predecessor's final checkpoint, unit 0 starts from the seeded state", () => {
  assert.equal(job.units.length, 4);
  for (let c = 0; c < 2; c++) {
    assert.equal(unit(c, 0).predecessorHash, checkpointHash(initialCheckpoint(spec, c)));
    assert.equal(unit(c, 1).predecessorHash, unit(c, 0).finalHash);
    assert.deepEqual(unit(c, 1).checkpoints[0], unit(c, 0).checkpoints[spec.checkpoints]);
    for (const u of [unit(c, 0), unit(c, 1)]) {
      assert.equal(u.checkpointHashes.length, spec.checkpoints + 1);
      assert.equal(u.losses.length, spec.checkpoints);
      assert.ok(u.losses.every((l) => Number.isFinite(l) && l > 0));
      u.losses.forEach((l, j) => {
        assert.equal(decodeCheckpoint(u.checkpoints[j + 1]!).loss, l);
      });
    }
  }
  // The lr override makes chain 1 a different trajectory from the same start.
  assert.equal(unit(0, 0).predecessorHash, unit(1, 0).predecessorHash);
  assert.notEqual(unit(0, 0).finalHash, unit(1, 0).finalHash);
  const state = decodeCheckpoint(unit(0, 1).checkpoints[spec.checkpoints]!).state;
  assert.equal(state.step, 2 * spec.stepsPerUnit);
  assert.equal(state.cursor, 2 * spec.stepsPerUnit * spec.batchSize);
});

test("re-running any segment reproduces the next checkpoint's hash", () => {
  for (const u of job.units) {
    for (let j = 0; j < spec.checkpoints; j++) {
      assert.equal(
        verifySegment(spec, u, j, u.checkpoints[j]!),
        u.checkpointHashes[j + 1],
        `chain ${u.chain} unit ${u.unit} segment ${j}`,
      );
    }
  }
});

test("a unit re-run from its predecessor reproduces the same root", () => {
  const again = runTrainUnit(spec, { chain: 1, unit: 1, start: unit(1, 0).checkpoints[spec.checkpoints] });
  assert.equal(again.resultRoot, unit(1, 1).resultRoot);
  assert.throws(() => runTrainUnit(spec, { chain: 0, unit: 1 }), /needs its predecessor's final checkpoint/);
  assert.throws(() => runTrainUnit(spec, { chain: 0, unit: 1, start: initialCheckpoint(spec, 0) }), PolError);
});

test("a one-bit change in any checkpoint is detected", () => {
  const u = unit(0, 1);
  for (let k = 0; k <= spec.checkpoints; k++) {
    const bytes = u.checkpoints[k]!;
    // Bits in the loss field, the state header, the first weight and the last moment byte.
    for (const [byte, bit] of [
      [9, 0],
      [20, 3],
      [Math.floor(bytes.length / 3), 7],
      [bytes.length - 1, 1],
    ] as const) {
      const flipped = bytes.slice();
      flipped[byte]! ^= 1 << bit;
      const h = checkpointHash(flipped);
      assert.notEqual(h, u.checkpointHashes[k]);
      assert.equal(verifyMerkleProof(u.resultRoot, k, h, merkleProof(u.checkpointHashes, k)), false);
      if (k > 0) assert.notEqual(verifySegment(spec, u, k - 1, u.checkpoints[k - 1]!), h);
    }
  }
});

function withState(bytes: Uint8Array, edit: (s: TrainState) => void): Uint8Array {
  const c = decodeCheckpoint(bytes);
  edit(c.state);
  return encodeCheckpoint(c);
}

test("PoL spoofing: checkpoints interpolated between start and final weights fail every segment", () => {
  const u = unit(0, 0);
  const start = decodeCheckpoint(u.checkpoints[0]!).state;
  const end = decodeCheckpoint(u.checkpoints[spec.checkpoints]!).state;
  const lerp = (a: Float32Array, b: Float32Array, t: number) => a.map((v, i) => v + (b[i]! - v) * t);
  const fake: Uint8Array[] = [u.checkpoints[0]!];
  for (let j = 1; j < spec.checkpoints; j++) {
    const t = j / spec.checkpoints;
    fake.push(
      withState(u.checkpoints[0]!, (s) => {
        s.params.forEach((p, i) => {
          p.tensor.data = lerp(start.params[i]!.tensor.data, end.params[i]!.tensor.data, t);
        });
        s.moments = s.moments.map((ms, i) => ms.map((m, k) => lerp(m, end.moments[i]![k]!, t)));
        s.step = j * (spec.stepsPerUnit / spec.checkpoints);
        s.cursor = s.step * spec.batchSize;
      }),
    );
  }
  fake.push(u.checkpoints[spec.checkpoints]!);
  for (let j = 0; j < spec.checkpoints; j++) {
    assert.notEqual(
      verifySegment(spec, u, j, fake[j]!),
      checkpointHash(fake[j + 1]!),
      `segment ${j} accepted a fabricated checkpoint`,
    );
  }
});

test("PoL spoofing: a chain trained on another data order fails every segment", () => {
  const other = smallTrainSpec({ chains: [{ seed: 12345 }, {}] });
  const fake = runTrainUnit(other, { chain: 0, unit: 0, start: initialCheckpoint(spec, 0) });
  assert.equal(fake.predecessorHash, unit(0, 0).predecessorHash);
  for (let j = 0; j < spec.checkpoints; j++) {
    assert.notEqual(verifySegment(spec, { chain: 0, unit: 0 }, j, fake.checkpoints[j]!), fake.checkpointHashes[j + 1]);
  }
});

test("checkpoints placed elsewhere in the data stream or with foreign shapes are refused", () => {
  const u = unit(0, 0);
  const shifted = withState(u.checkpoints[1]!, (s) => {
    s.cursor += spec.batchSize;
  });
  assert.throws(() => verifySegment(spec, u, 1, shifted), /data cursor/);
  assert.throws(() => verifySegment(spec, u, 2, u.checkpoints[1]!), /step/);
  const wide = smallTrainSpec({
    model: { kind: "mlp", inputSize: 784, hidden: [17], classes: 10, activation: "relu" },
  });
  assert.throws(() => verifySegment(spec, u, 0, initialCheckpoint(wide, 0)), /do not match the spec's model/);
  assert.throws(() => verifySegment(spec, u, 0, new Uint8Array(40)), /malformed checkpoint/);
});

test("compute units are 3 x forward FLOPs x examples, a pure function of the spec", () => {
  const cu = computeUnits(spec);
  const flops = 3 * forwardFlops(spec.model) * spec.batchSize * spec.stepsPerUnit;
  assert.equal(cu.units, 4);
  assert.equal(cu.flopsPerUnit, flops);
  assert.equal(cu.cu, (4 * flops) / 1e9);
  assert.equal(job.cu, cu.cu);
  assert.equal(computeUnits(smallTrainSpec({ batchSize: 32 })).cuPerUnit, 2 * cu.cuPerUnit);
});
