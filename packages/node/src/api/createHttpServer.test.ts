import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { after, before, test } from "node:test";
import type { Address } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { BlobError } from "../blobs/BlobError.js";
import { blobPutHeaders, blobPutMessage } from "../blobs/blobPutMessage.js";
import { type BlobStore, createBlobStore } from "../blobs/createBlobStore.js";
import { fetchBlob } from "../blobs/fetchBlob.js";
import { putBlob } from "../blobs/putBlob.js";
import { createLogger } from "../log/createLogger.js";
import { createMetrics } from "../metrics/createMetrics.js";
import type { BatchesQuery, JobsQuery, RewardsQuery } from "./ApiProviders.js";
import { createHttpServer, type HttpServer } from "./createHttpServer.js";

const KiB = 1024;
const alice = privateKeyToAccount(generatePrivateKey()); // registered node
const bob = privateKeyToAccount(generatePrivateKey()); // requester of a live job
const mallory = privateKeyToAccount(generatePrivateKey()); // nobody
const sha = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const now = () => Math.floor(Date.now() / 1000);

let dir: string;
let store: BlobStore;
let server: HttpServer;
let url: string;
let authorizeCalls: Address[] = [];
let authorizeFails = false;
const metrics = createMetrics({ defaultLabels: { node: "test" } });
const seen: { jobs?: JobsQuery; batches?: BatchesQuery; rewards?: RewardsQuery } = {};

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "mai-http-"));
  store = await createBlobStore({ dir, fsync: false, maxBlobBytes: 64 * KiB, quotaBytes: 160 * KiB, metrics });
  server = createHttpServer({
    blobStore: store,
    metrics,
    inlineBlobBytes: 8 * KiB,
    authorizePut: async (address) => {
      authorizeCalls.push(address);
      if (authorizeFails) throw new Error("rpc down");
      return address === alice.address || address === bob.address;
    },
    providers: {
      status: () => ({ chainId: 31337, head: 12n, roles: ["miner"] }),
      jobs: (query) => {
        seen.jobs = query;
        return [{ id: 1n, units: 64 }];
      },
      job: (id) => (id === 1n ? { id, price: 10n ** 30n } : undefined),
      batches: (query) => {
        seen.batches = query;
        return [];
      },
      rewards: (query) => {
        seen.rewards = query;
        return { claimable: 5n };
      },
    },
  });
  url = await server.listen();
});

after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function signedPut(
  hash: string,
  body: Uint8Array,
  options: { signer?: typeof alice; expiry?: number; signedHash?: string; claimedSigner?: Address } = {},
) {
  const signer = options.signer ?? alice;
  const expiry = options.expiry ?? now() + 60;
  const signature = await signer.signMessage({ message: blobPutMessage(options.signedHash ?? hash, expiry) });
  return fetch(`${url}/blobs/${hash}`, {
    method: "PUT",
    body: body as Uint8Array<ArrayBuffer>,
    headers: {
      [blobPutHeaders.signer]: options.claimedSigner ?? signer.address,
      [blobPutHeaders.expiry]: String(expiry),
      [blobPutHeaders.signature]: signature,
    },
  });
}

function randomBytes(size: number, seed: number) {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + seed * 7) & 0xff;
  return bytes;
}

test("listens on loopback by default", () => {
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
});

test("PUT then GET round trip over HTTP, idempotent PUT, HEAD answers size without a body", async () => {
  const data = randomBytes(3000, 1);
  const first = await putBlob(url, data, alice);
  assert.deepEqual(first, { hash: sha(data), size: 3000, created: true });
  assert.equal((await putBlob(url, data, bob)).created, false);
  assert.deepEqual(Buffer.from(await fetchBlob(url, first.hash, { maxBytes: 64 * KiB })), Buffer.from(data));

  const head = await fetch(`${url}/blobs/${first.hash}`, { method: "HEAD" });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get("content-length"), "3000");
  assert.equal(head.headers.get("etag"), `"${first.hash}"`);
  assert.equal((await head.arrayBuffer()).byteLength, 0);

  const missing = sha(new Uint8Array([9]));
  assert.equal((await fetch(`${url}/blobs/${missing}`, { method: "HEAD" })).status, 404);
  const get404 = await fetch(`${url}/blobs/${missing}`);
  assert.equal(get404.status, 404);
  assert.equal(((await get404.json()) as { code: string }).code, "BLOB_NOT_FOUND");
  const bad = await fetch(`${url}/blobs/NOT-A-HASH`);
  assert.equal(bad.status, 400);
  assert.match(((await bad.json()) as { error: string }).error, /64 lowercase hex/);
  await store.delete(first.hash);
});

test("a body that does not hash to the URL's hash is refused with 400 and nothing is stored", async () => {
  const claimed = randomBytes(500, 2);
  const sent = randomBytes(500, 3);
  const response = await signedPut(sha(claimed), sent);
  assert.equal(response.status, 400);
  const body = (await response.json()) as { error: string; code: string; details: { actual: string } };
  assert.equal(body.code, "BLOB_HASH_MISMATCH");
  assert.equal(body.details.actual, sha(sent));
  assert.equal(store.has(sha(claimed)), false);
  assert.equal(store.has(sha(sent)), false);
  assert.equal(store.usage().bytes, 0);
  assert.deepEqual(readdirSync(path.join(dir, "tmp")), []);
});

test("unsigned, expired, forged and unauthorised uploads are refused (401/403) before the body is stored", async () => {
  const data = randomBytes(1000, 4);
  const hash = sha(data);
  authorizeCalls = [];

  const unsigned = await fetch(`${url}/blobs/${hash}`, { method: "PUT", body: data });
  assert.equal(unsigned.status, 401);
  assert.equal(((await unsigned.json()) as { code: string }).code, "BLOB_PUT_UNSIGNED");

  const expired = await signedPut(hash, data, { expiry: now() - 5 });
  assert.equal(expired.status, 401);
  assert.equal(((await expired.json()) as { code: string }).code, "BLOB_PUT_EXPIRED");

  const forever = await signedPut(hash, data, { expiry: now() + 10 * 24 * 3600 });
  assert.equal(forever.status, 401);

  // Mallory signs but claims to be alice.
  const forged = await signedPut(hash, data, { signer: mallory, claimedSigner: alice.address });
  assert.equal(forged.status, 401);
  assert.equal(((await forged.json()) as { code: string }).code, "BLOB_PUT_BAD_SIGNATURE");

  // Alice's signature for another blob cannot carry this one.
  const reused = await signedPut(hash, data, { signedHash: sha(randomBytes(10, 5)) });
  assert.equal(reused.status, 401);

  const garbage = await fetch(`${url}/blobs/${hash}`, {
    method: "PUT",
    body: data,
    headers: {
      [blobPutHeaders.signer]: alice.address,
      [blobPutHeaders.expiry]: String(now() + 60),
      [blobPutHeaders.signature]: "0x1234",
    },
  });
  assert.equal(garbage.status, 401);
  assert.deepEqual(authorizeCalls, [], "authorizePut is asked only about verified signers");

  const stranger = await signedPut(hash, data, { signer: mallory });
  assert.equal(stranger.status, 403);
  assert.equal(((await stranger.json()) as { code: string }).code, "BLOB_PUT_FORBIDDEN");
  assert.deepEqual(authorizeCalls, [mallory.address]);
  await assert.rejects(
    putBlob(url, data, mallory),
    (error: unknown) => error instanceof BlobError && error.code === "BLOB_PUT_FORBIDDEN",
  );

  authorizeFails = true;
  const cannotTell = await signedPut(hash, data);
  authorizeFails = false;
  assert.equal(cannotTell.status, 503);

  assert.equal(store.has(hash), false);
  assert.equal(store.usage().bytes, 0);
  assert.equal((await signedPut(hash, data)).status, 201, "the same upload, properly signed, is accepted");
  await store.delete(hash);
});

test("oversized uploads get 413, announced or streamed without a length", async () => {
  const big = randomBytes(64 * KiB + 1, 6);
  const announced = await signedPut(sha(big), big);
  assert.equal(announced.status, 413);
  assert.equal(((await announced.json()) as { code: string }).code, "BLOB_TOO_LARGE");

  // Chunked upload: the limit is only discovered while reading.
  const hash = sha(big);
  const expiry = now() + 60;
  const signature = await alice.signMessage({ message: blobPutMessage(hash, expiry) });
  const status = await new Promise<number>((resolve, reject) => {
    const req = httpRequest(`${url}/blobs/${hash}`, {
      method: "PUT",
      headers: {
        "transfer-encoding": "chunked",
        [blobPutHeaders.signer]: alice.address,
        [blobPutHeaders.expiry]: String(expiry),
        [blobPutHeaders.signature]: signature,
      },
    });
    req.on("response", (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    req.on("error", reject);
    for (let offset = 0; offset < big.length; offset += 4 * KiB) req.write(big.subarray(offset, offset + 4 * KiB));
    req.end();
  });
  assert.equal(status, 413);
  assert.equal(store.usage().bytes, 0);
  assert.equal(store.has(hash), false);
});

test("a full store answers 507 and keeps what it had", async () => {
  const a = await putBlob(url, randomBytes(60 * KiB, 7), alice);
  const b = await putBlob(url, randomBytes(60 * KiB, 8), alice);
  const third = randomBytes(60 * KiB, 9);
  const response = await signedPut(sha(third), third);
  assert.equal(response.status, 507);
  assert.equal(((await response.json()) as { code: string }).code, "BLOB_QUOTA_EXCEEDED");
  await assert.rejects(
    putBlob(url, third, alice),
    (error: unknown) => error instanceof BlobError && error.code === "BLOB_QUOTA_EXCEEDED" && error.retryable,
  );
  assert.deepEqual(store.list().sort(), [a.hash, b.hash].sort());
  await store.gc(() => false);
});

test("a blob corrupted on disk is detected on GET and not served, small or streamed", async () => {
  for (const size of [2 * KiB, 40 * KiB]) {
    const data = randomBytes(size, size);
    const { hash } = await putBlob(url, data, alice);
    const file = path.join(dir, "blobs", hash.slice(0, 2), hash.slice(2, 4), hash);
    const rotten = Buffer.from(data);
    rotten[size >> 1] ^= 1;
    writeFileSync(file, rotten);
    const response = await fetch(`${url}/blobs/${hash}`);
    assert.equal(response.status, 404, `size ${size}`);
    assert.equal(((await response.json()) as { code: string }).code, "BLOB_CORRUPT");
    assert.equal(existsSync(file), false);
    assert.equal(store.has(hash), false);
  }
  assert.match(await metrics.registry.metrics(), /^mai_blob_corrupt_total\{node="test"\} 2$/m);
});

test("large blobs stream through GET intact", async () => {
  const data = randomBytes(50 * KiB, 11);
  const { hash } = await putBlob(url, data, bob);
  const back = await fetchBlob(url, hash, { maxBytes: 64 * KiB });
  assert.equal(sha(back), hash);
  await assert.rejects(
    fetchBlob(url, hash, { maxBytes: 10 * KiB }),
    (error: unknown) => error instanceof BlobError && error.code === "BLOB_TOO_LARGE",
  );
  await store.delete(hash);
});

test("JSON API: status, jobs, job, batches, rewards from the providers; bigints as strings; JSON errors", async () => {
  const status = await fetch(`${url}/status`);
  assert.equal(status.status, 200);
  assert.match(status.headers.get("content-type") ?? "", /application\/json/);
  assert.deepEqual(await status.json(), { chainId: 31337, head: "12", roles: ["miner"] });

  assert.deepEqual(await (await fetch(`${url}/jobs?limit=5&offset=10`)).json(), [{ id: "1", units: 64 }]);
  assert.deepEqual(seen.jobs, { offset: 10, limit: 5 });
  const badLimit = await fetch(`${url}/jobs?limit=0`);
  assert.equal(badLimit.status, 400);
  const badBody = (await badLimit.json()) as { error: string; details: { issues: string[] } };
  assert.equal(badBody.error, "Invalid query");
  assert.match(badBody.details.issues[0] as string, /^limit: /);

  assert.deepEqual(await (await fetch(`${url}/jobs/1`)).json(), { id: "1", price: (10n ** 30n).toString() });
  const noJob = await fetch(`${url}/jobs/2`);
  assert.equal(noJob.status, 404);
  assert.deepEqual(await noJob.json(), { error: "No such job", code: "NOT_FOUND", details: { id: "2" } });
  assert.equal((await fetch(`${url}/jobs/abc`)).status, 400);

  const node = alice.address.toLowerCase();
  assert.equal((await fetch(`${url}/batches?jobId=7&node=${node}`)).status, 200);
  assert.deepEqual(seen.batches, { offset: 0, limit: 100, jobId: 7n, node: alice.address });
  assert.deepEqual(await (await fetch(`${url}/rewards?address=${node}`)).json(), { claimable: "5" });
  assert.deepEqual(seen.rewards, { address: alice.address });
  assert.equal((await fetch(`${url}/rewards?address=0x12`)).status, 400);

  const unknown = await fetch(`${url}/nope`);
  assert.equal(unknown.status, 404);
  assert.equal(((await unknown.json()) as { error: string }).error, "Not found");
});

test("a provider the daemon did not wire answers 501", async () => {
  const bare = createHttpServer({ blobStore: store, authorizePut: async () => false });
  try {
    const response = await bare.app.inject({ method: "GET", url: "/rewards" });
    assert.equal(response.statusCode, 501);
    assert.equal(response.json().code, "NOT_IMPLEMENTED");
    assert.equal((await bare.app.inject({ method: "GET", url: "/metrics" })).statusCode, 501);
  } finally {
    await bare.close();
  }
});

test("CORS lets the explorer page read the API and sign uploads", async () => {
  const response = await fetch(`${url}/status`, { headers: { origin: "http://localhost:5173" } });
  assert.equal(response.headers.get("access-control-allow-origin"), "*");
  const preflight = await fetch(`${url}/blobs/${"a".repeat(64)}`, {
    method: "OPTIONS",
    headers: { origin: "http://localhost:5173", "access-control-request-method": "PUT" },
  });
  assert.equal(preflight.status, 204);
  assert.match(preflight.headers.get("access-control-allow-methods") ?? "", /PUT/);
  assert.match(preflight.headers.get("access-control-allow-headers") ?? "", /x-mai-signature/);
});

test("/metrics serves the node's registry in Prometheus text format", async () => {
  await putBlob(url, randomBytes(100, 12), alice);
  const response = await fetch(`${url}/metrics`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
  const text = await response.text();
  assert.match(text, /^mai_blob_store_bytes\{node="test"\} 100$/m);
  assert.match(text, /^mai_blob_store_blobs\{node="test"\} 1$/m);
  assert.match(text, /^mai_http_requests_total\{route="\/blobs\/:hash",method="PUT",status="201",node="test"\} \d+$/m);
  assert.match(text, /^mai_http_requests_total\{route="\/blobs\/:hash",method="PUT",status="401",node="test"\} \d+$/m);
  assert.match(text, /^mai_blob_transfer_bytes_total\{direction="in",node="test"\} \d+$/m);
  assert.match(text, /^mai_process_resident_memory_bytes\{node="test"\} \d+$/m);
  for (const name of [
    "units_computed_total",
    "audits_total",
    "disputes_total",
    "tx_sent_total",
    "tx_failed_total",
    "chain_head_lag_blocks",
    "workload_seconds",
  ]) {
    assert.match(text, new RegExp(`^# TYPE mai_${name} `, "m"));
  }
});

test("logs through the node's logger as role http", async () => {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      callback();
    },
  });
  const logged = createHttpServer({
    blobStore: store,
    logger: createLogger({ format: "json", destination }),
    authorizePut: async () => {
      throw new Error("rpc down");
    },
  });
  try {
    const data = randomBytes(10, 13);
    const hash = sha(data);
    const expiry = now() + 60;
    const response = await logged.app.inject({
      method: "PUT",
      url: `/blobs/${hash}`,
      payload: Buffer.from(data),
      headers: {
        [blobPutHeaders.signer]: alice.address,
        [blobPutHeaders.expiry]: String(expiry),
        [blobPutHeaders.signature]: await alice.signMessage({ message: blobPutMessage(hash, expiry) }),
      },
    });
    assert.equal(response.statusCode, 503);
    assert.equal(response.json().code, "BLOB_PUT_AUTH_UNAVAILABLE");
    const warning = lines.find((line) => line.level === 40);
    assert.equal(warning?.role, "http");
    assert.match(String(warning?.msg), /Could not check whether the signer may upload/);
  } finally {
    await logged.close();
  }
});
