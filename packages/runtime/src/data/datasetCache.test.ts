import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { readDatasetCache, writeDatasetCache } from "./datasetCache.js";
import { DATASETS } from "./datasets.js";
import { loadMnist } from "./loadMnist.js";

test("the dataset cache round-trips the canonical bytes and ignores a file that does not hash right", () => {
  const previous = process.env.TMPDIR;
  const dir = mkdtempSync(path.join(tmpdir(), "mai-dscache-"));
  process.env.TMPDIR = dir;
  try {
    const info = DATASETS["mnist-v1"];
    assert.equal(readDatasetCache(info), undefined, "no file yet");
    const mnist = loadMnist();
    writeDatasetCache(info, mnist);
    const back = readDatasetCache(info);
    assert.ok(back);
    for (const name of ["train", "test"] as const) {
      assert.equal(back[name].count, mnist[name].count);
      assert.deepEqual(back[name].x, mnist[name].x);
      assert.deepEqual(back[name].labels, mnist[name].labels);
    }
    // One flipped byte: the file is not trusted.
    const folder = path.join(dir, "maitoken-datasets");
    const file = path.join(folder, readdirSync(folder)[0] as string);
    const bytes = readFileSync(file);
    bytes[1000] = (bytes[1000] as number) ^ 1;
    writeFileSync(file, bytes);
    assert.equal(readDatasetCache(info), undefined);
  } finally {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
  }
});
