import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { BlobError, type BlobErrorCode } from "./BlobError.js";
import { fetchBlob } from "./fetchBlob.js";

const sha = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const honest = new TextEncoder().encode("the bytes everybody agreed on");
const hash = sha(honest);

// A peer that misbehaves in whatever way the path's first segment asks for.
let server: Server;
let base: string;
let requests = 0;
before(async () => {
  server = createServer((request, response) => {
    requests++;
    const [, mode] = (request.url ?? "").split("/");
    switch (mode) {
      case "honest":
        response.end(honest);
        return;
      case "liar":
        response.end(new TextEncoder().encode("other bytes, same length as.."));
        return;
      case "truncated":
        response.end(honest.subarray(0, 10));
        return;
      case "huge-announced":
        response.writeHead(200, { "content-length": String(10 * 1024 * 1024) });
        response.write(new Uint8Array(1024));
        return; // never finishes: the client must not wait for it
      case "huge-chunked": {
        response.writeHead(200, { "content-type": "application/octet-stream" });
        const timer = setInterval(() => response.write(new Uint8Array(16 * 1024)), 1);
        response.on("close", () => clearInterval(timer));
        return;
      }
      case "missing":
        response.writeHead(404).end('{"error":"Blob not found"}');
        return;
      case "broken":
        response.writeHead(500).end();
        return;
      case "slow":
        setTimeout(() => response.end(honest), 2000).unref();
        return;
      case "reset":
        request.socket.destroy();
        return;
      default:
        response.writeHead(400).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function rejectsWith(promise: Promise<unknown>, code: BlobErrorCode, retryable: boolean) {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof BlobError, `expected BlobError, got ${String(error)}`);
    assert.equal(error.code, code);
    assert.equal(error.retryable, retryable);
    return true;
  });
}

test("returns the bytes when the peer serves the right ones", async () => {
  const bytes = await fetchBlob(`${base}/honest`, hash, { maxBytes: 1024 });
  assert.deepEqual(Buffer.from(bytes), Buffer.from(honest));
});

test("a peer serving other bytes is caught: hash mismatch, not retryable", async () => {
  await rejectsWith(fetchBlob(`${base}/liar`, hash, { maxBytes: 1024 }), "BLOB_HASH_MISMATCH", false);
  await rejectsWith(fetchBlob(`${base}/truncated/`, hash, { maxBytes: 1024 }), "BLOB_HASH_MISMATCH", false);
});

test("oversized answers are cut off at the limit, announced or not", async () => {
  const started = Date.now();
  await rejectsWith(fetchBlob(`${base}/huge-announced`, hash, { maxBytes: 64 * 1024 }), "BLOB_TOO_LARGE", false);
  await rejectsWith(
    fetchBlob(`${base}/huge-chunked`, hash, { maxBytes: 64 * 1024, timeoutMs: 10_000 }),
    "BLOB_TOO_LARGE",
    false,
  );
  assert.ok(Date.now() - started < 5000, "did not wait for the endless bodies");
});

test("missing, failing, slow and unreachable peers are 'unavailable' and retryable", async () => {
  await rejectsWith(fetchBlob(`${base}/missing`, hash, { maxBytes: 1024 }), "BLOB_UNAVAILABLE", true);
  await rejectsWith(fetchBlob(`${base}/broken`, hash, { maxBytes: 1024 }), "BLOB_UNAVAILABLE", true);
  await rejectsWith(fetchBlob(`${base}/reset`, hash, { maxBytes: 1024 }), "BLOB_UNAVAILABLE", true);
  const started = Date.now();
  await rejectsWith(fetchBlob(`${base}/slow`, hash, { maxBytes: 1024, timeoutMs: 200 }), "BLOB_UNAVAILABLE", true);
  assert.ok(Date.now() - started < 1500, "the timeout fired");
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));
  await rejectsWith(fetchBlob(`http://127.0.0.1:${port}`, hash, { maxBytes: 1024 }), "BLOB_UNAVAILABLE", true);
});

test("an invalid hash is refused before any request", async () => {
  const before = requests;
  await rejectsWith(fetchBlob(`${base}/honest`, "xyz", { maxBytes: 1024 }), "BLOB_INVALID_HASH", false);
  assert.equal(requests, before);
});
