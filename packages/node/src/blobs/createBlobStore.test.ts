import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { BlobError } from "./BlobError.js";
import { createBlobStore } from "./createBlobStore.js";

const root = mkdtempSync(path.join(tmpdir(), "mai-blobstore-"));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = () => path.join(root, `s${n++}`);

const sha = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const bytesOf = (text: string) => new TextEncoder().encode(text);

function blobFile(dir: string, hash: string) {
  return path.join(dir, "blobs", hash.slice(0, 2), hash.slice(2, 4), hash);
}

async function rejectsWith(promise: Promise<unknown>, code: string) {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof BlobError, `expected BlobError, got ${String(error)}`);
    assert.equal(error.code, code);
    return true;
  });
}

test("put/get round trip names the blob by its sha256 and counts it once", async () => {
  const dir = freshDir();
  const gauges = { bytes: -1, count: -1 };
  const store = await createBlobStore({
    dir,
    fsync: false,
    metrics: { blobBytes: { set: (v) => (gauges.bytes = v) }, blobCount: { set: (v) => (gauges.count = v) } },
  });
  const data = bytesOf("hello blobs");
  const put = await store.put(data);
  assert.deepEqual(put, { hash: sha(data), size: data.length, created: true });
  assert.deepEqual(Buffer.from(await store.get(put.hash)), Buffer.from(data));
  assert.equal(store.has(put.hash), true);
  assert.equal((await store.stat(put.hash))?.size, data.length);
  assert.deepEqual(store.list(), [put.hash]);

  const again = await store.put(data);
  assert.equal(again.created, false);
  assert.equal(store.usage().bytes, data.length);
  assert.equal(store.usage().count, 1);
  assert.deepEqual(gauges, { bytes: data.length, count: 1 });

  assert.equal(await store.delete(put.hash), true);
  assert.equal(store.has(put.hash), false);
  assert.equal(await store.stat(put.hash), undefined);
  await rejectsWith(store.get(put.hash), "BLOB_NOT_FOUND");
  assert.deepEqual(gauges, { bytes: 0, count: 0 });
});

test("a write whose bytes disagree with the expected hash stores nothing", async () => {
  const dir = freshDir();
  const store = await createBlobStore({ dir, fsync: false });
  const data = bytesOf("the real bytes");
  await rejectsWith(store.put(data, { expectedHash: sha(bytesOf("other bytes")) }), "BLOB_HASH_MISMATCH");
  assert.equal(store.has(sha(data)), false);
  assert.equal(store.usage().bytes, 0);
  assert.deepEqual(readdirSync(path.join(dir, "tmp")), []);
  assert.deepEqual(readdirSync(path.join(dir, "blobs")), []);
  await rejectsWith(store.put(data, { expectedHash: "ABC" }), "BLOB_INVALID_HASH");
  await rejectsWith(store.get("../../etc/passwd"), "BLOB_INVALID_HASH");
});

test("size limit and quota refuse writes, also while streaming, and leave no temp files", async () => {
  const dir = freshDir();
  const store = await createBlobStore({ dir, fsync: false, maxBlobBytes: 1000, quotaBytes: 2500 });
  await rejectsWith(store.put(new Uint8Array(1001)), "BLOB_TOO_LARGE");
  async function* chunks(count: number, size: number, seed: number) {
    for (let i = 0; i < count; i++) yield new Uint8Array(size).fill(seed + i);
  }
  await rejectsWith(store.put(chunks(11, 100, 0)), "BLOB_TOO_LARGE");
  assert.equal(store.canAccept(1001), false);
  assert.equal(store.canAccept(1000), true);

  await store.put(chunks(10, 100, 1));
  await store.put(chunks(10, 100, 2));
  assert.equal(store.usage().bytes, 2000);
  assert.equal(store.canAccept(600), false);
  await rejectsWith(store.put(chunks(6, 100, 3)), "BLOB_QUOTA_EXCEEDED");
  await rejectsWith(store.put(new Uint8Array(501)), "BLOB_QUOTA_EXCEEDED");
  assert.equal(store.usage().bytes, 2000);
  assert.equal(store.usage().reservedBytes, 0);
  assert.deepEqual(readdirSync(path.join(dir, "tmp")), []);
  // Concurrent writes reserve space as they go, so together they cannot overshoot the quota.
  await store.gc(() => false);
  const results = await Promise.allSettled([1, 2, 3].map((seed) => store.put(chunks(10, 100, seed * 10))));
  assert.equal(results.filter((r) => r.status === "fulfilled").length, 2);
  assert.equal(store.usage().bytes, 2000);
});

test("a corrupted file on disk is detected on read, reported, deleted and not returned", async () => {
  const dir = freshDir();
  const warnings: object[] = [];
  let corruptCount = 0;
  const store = await createBlobStore({
    dir,
    fsync: false,
    logger: { warn: (obj) => warnings.push(obj), info: () => {} },
    metrics: { blobBytes: { set: () => {} }, blobCount: { set: () => {} }, blobCorrupt: { inc: () => corruptCount++ } },
  });
  const { hash } = await store.put(bytesOf("payload A"));
  writeFileSync(blobFile(dir, hash), "payload B");
  await rejectsWith(store.get(hash), "BLOB_CORRUPT");
  assert.equal(store.has(hash), false);
  assert.equal(store.usage().bytes, 0);
  assert.equal(warnings.length, 1);
  assert.equal(corruptCount, 1);
  await rejectsWith(store.get(hash), "BLOB_NOT_FOUND");

  // The streaming path: checked before the first byte by default ...
  const second = await store.put(bytesOf("payload C"));
  writeFileSync(blobFile(dir, second.hash), "payload D");
  await rejectsWith(store.open(second.hash), "BLOB_CORRUPT");
  // ... and, without the pre-check, at the end of the stream.
  const third = await store.put(bytesOf("payload E"));
  writeFileSync(blobFile(dir, third.hash), "payload F");
  const { stream } = await store.open(third.hash, { verifyFirst: false });
  await rejectsWith(
    (async () => {
      for await (const _ of stream);
    })(),
    "BLOB_CORRUPT",
  );
  assert.equal(store.has(third.hash), false);
  assert.equal(corruptCount, 3);

  // A fresh verified upload repairs a rotten copy the index still lists.
  const fourth = await store.put(bytesOf("payload G"));
  writeFileSync(blobFile(dir, fourth.hash), "payload H");
  assert.equal((await store.put(bytesOf("payload G"))).created, false);
  assert.equal(Buffer.from(await store.get(fourth.hash)).toString(), "payload G");
});

test("large blobs stream in and out without being held whole", async () => {
  const store = await createBlobStore({ dir: freshDir(), fsync: false });
  const hasher = createHash("sha256");
  async function* big() {
    for (let i = 0; i < 64; i++) {
      const chunk = new Uint8Array(64 * 1024).fill(i);
      hasher.update(chunk);
      yield chunk;
    }
  }
  const put = await store.put(big());
  assert.equal(put.size, 4 * 1024 * 1024);
  assert.equal(put.hash, hasher.digest("hex"));
  const { size, stream } = await store.open(put.hash);
  assert.equal(size, put.size);
  const back = createHash("sha256");
  let chunks = 0;
  for await (const chunk of stream) {
    back.update(chunk as Buffer);
    chunks++;
  }
  assert.equal(back.digest("hex"), put.hash);
  assert.ok(chunks > 1);
});

test("gc deletes only dead blobs, keeps pinned ones, and the state survives a restart", async () => {
  const dir = freshDir();
  const store = await createBlobStore({ dir, fsync: false });
  const live = await store.put(bytesOf("input of a live job"));
  const pinned = await store.put(bytesOf("my unpaid result"));
  const dead = await store.put(bytesOf("input of a finished job"));
  await store.pin(pinned.hash);
  writeFileSync(path.join(dir, "tmp", "leftover"), "crashed write");

  const asked: string[] = [];
  const result = await store.gc(async (hash) => {
    asked.push(hash);
    return hash === live.hash;
  });
  assert.deepEqual(result.deleted, [dead.hash]);
  assert.equal(result.freedBytes, dead.size);
  assert.equal(result.kept, 2);
  assert.ok(!asked.includes(pinned.hash), "pinned blobs are kept without asking");
  assert.deepEqual(readdirSync(path.join(dir, "tmp")), []);
  assert.equal(store.has(dead.hash), false);

  writeFileSync(path.join(dir, "tmp", "leftover"), "crashed write");
  const reopened = await createBlobStore({ dir, fsync: false });
  assert.deepEqual(reopened.list().sort(), [live.hash, pinned.hash].sort());
  assert.equal(reopened.usage().bytes, live.size + pinned.size);
  assert.equal(reopened.isPinned(pinned.hash), true);
  assert.deepEqual(readdirSync(path.join(dir, "tmp")), []);

  await reopened.unpin(pinned.hash);
  assert.deepEqual((await reopened.gc(() => false)).deleted.sort(), [live.hash, pinned.hash].sort());
  assert.equal(reopened.usage().bytes, 0);
});

test("gc running while blobs are being written never loses one: the index and the disk agree", async () => {
  const dir = freshDir();
  const store = await createBlobStore({ dir, fsync: false });
  const written: string[] = [];
  for (let round = 0; round < 40; round++) {
    const data = bytesOf(`landing ${round}`);
    written.push(sha(data));
    // gc declares every indexed blob dead, but one whose bytes are still landing must survive it.
    // Started a little later each round, so some round lands between indexing and the rename.
    const later = async () => {
      for (let i = 0; i < round % 20; i++) await new Promise((r) => setImmediate(r));
      return store.gc(() => false);
    };
    const [put] = await Promise.all([store.put(data), later()]);
    assert.equal(put.hash, sha(data));
  }
  const { existsSync } = await import("node:fs");
  for (const hash of written) {
    assert.equal(store.has(hash), existsSync(blobFile(dir, hash)), `index and disk disagree on ${hash}`);
  }
  // A round's gc may also start after its put finished, and then deletes it like any dead blob: only
  // agreement is asserted above. The store still works after the races.
  const fresh = await store.put(bytesOf("after the races"));
  assert.ok(store.has(fresh.hash));
  assert.deepEqual(new Uint8Array(await store.get(fresh.hash)), bytesOf("after the races"));
});
