import assert from "node:assert/strict";
import { test } from "node:test";
import { epochAdvanceDue } from "./epochAdvanceDue.js";

// Addresses whose last two bits pick slots 0, 1 and 3.
const slot0 = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
const slot1 = "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65";
const slot3 = "0x0000000000000000000000000000000000000007";

test("keepers take turns to advance an epoch: slot by address, steps of a tenth of an epoch within 2..30 s", () => {
  const due = (address: `0x${string}`, now: bigint, epochLength: bigint) =>
    epochAdvanceDue({ now, current: 5n, genesisTime: 1000n, epochLength, address });
  // Devnet epochs (10 s): the step is raised to 2 s. Epoch 5 started at 1050.
  assert.equal(due(slot0, 1050n, 10n), true, "slot 0 goes at once");
  assert.equal(due(slot1, 1051n, 10n), false);
  assert.equal(due(slot1, 1052n, 10n), true, "slot 1 waits one step");
  assert.equal(due(slot3, 1055n, 10n), false);
  assert.equal(due(slot3, 1056n, 10n), true, "slot 3 waits three steps");
  // Hour-long epochs: the step is capped at 30 s. Epoch 5 started at 1000 + 5 * 3600.
  assert.equal(due(slot3, 19_089n, 3600n), false);
  assert.equal(due(slot3, 19_090n, 3600n), true);
  // A 100 s epoch: a tenth, 10 s.
  assert.equal(due(slot1, 1509n, 100n), false);
  assert.equal(due(slot1, 1510n, 100n), true);
});
