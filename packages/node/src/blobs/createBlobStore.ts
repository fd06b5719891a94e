/**
 * Content-addressed blob store in a local directory: job inputs, results and checkpoints, named by
 * the sha256 of their bytes. Invariant: a file under `blobs/` is only ever created by an atomic
 * rename of a fully written temporary file whose hash was computed while writing, and every read
 * hashes the bytes again, so a caller never receives bytes that do not match the name they asked
 * for. A copy damaged on disk is deleted when a read finds it (the node can fetch it again from its
 * owner; serving it would make this node look like a cheater).
 *
 * Layout: `blobs/ab/cd/<hash>` (two levels of fan-out keep directories small), `tmp/` for writes in
 * flight, `pins/<hash>` marker files for blobs `gc` must keep whatever the chain says (the node's
 * own results that are not paid yet).
 */
import { createHash, randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, open, readdir, readFile, rename, rm, stat, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { pipeline, type Readable, Transform } from "node:stream";
import { BlobError } from "./BlobError.js";
import { type BlobHash, toBlobHash } from "./toBlobHash.js";

export type BlobStoreLogger = {
  warn: (obj: object, msg?: string) => void;
  info: (obj: object, msg?: string) => void;
};

/** The two gauges the store keeps current (see `createMetrics`). */
export type BlobStoreMetrics = {
  blobBytes: { set: (value: number) => void };
  blobCount: { set: (value: number) => void };
  blobCorrupt?: { inc: () => void };
};

export type CreateBlobStoreParameters = {
  /** Directory owned by this store (created if missing). One process per directory. */
  dir: string;
  /** Largest single blob accepted, in bytes. Default 64 MiB. */
  maxBlobBytes?: number;
  /** Total bytes the store may hold. Default 4 GiB. */
  quotaBytes?: number;
  /** fsync each file before it becomes visible (default true; tests may turn it off). */
  fsync?: boolean;
  logger?: BlobStoreLogger;
  metrics?: BlobStoreMetrics;
};

export type BlobSource = Uint8Array | AsyncIterable<Uint8Array>;

export type PutBlobOptions = {
  /** The hash the caller claims; the write fails (and nothing is kept) if the bytes disagree. */
  expectedHash?: BlobHash;
};

export type PutBlobResult = { hash: BlobHash; size: number; created: boolean };

export type BlobStat = { hash: BlobHash; size: number; mtimeMs: number; pinned: boolean };

export type BlobUsage = {
  bytes: number;
  count: number;
  reservedBytes: number;
  quotaBytes: number;
  maxBlobBytes: number;
};

export type OpenBlobOptions = {
  /**
   * Hash the whole file before returning the stream (default true), so a corrupted copy is never
   * sent at all. Without it the stream still checks, but only fails at its end.
   */
  verifyFirst?: boolean;
};

export type GcResult = { deleted: BlobHash[]; freedBytes: number; kept: number };

export type BlobStore = {
  readonly dir: string;
  put: (source: BlobSource, options?: PutBlobOptions) => Promise<PutBlobResult>;
  /** The blob's bytes, verified. Throws `BLOB_NOT_FOUND` or `BLOB_CORRUPT`. */
  get: (hash: BlobHash) => Promise<Uint8Array>;
  /** A verifying stream over the blob, for blobs too large to hold in memory. */
  open: (hash: BlobHash, options?: OpenBlobOptions) => Promise<{ size: number; stream: Readable }>;
  /** Whether the store holds the blob (from the index; does not read the file). */
  has: (hash: BlobHash) => boolean;
  stat: (hash: BlobHash) => Promise<BlobStat | undefined>;
  delete: (hash: BlobHash) => Promise<boolean>;
  /** Whether a blob of `size` bytes would currently fit (size limit and quota). */
  canAccept: (size: number) => boolean;
  pin: (hash: BlobHash) => Promise<void>;
  unpin: (hash: BlobHash) => Promise<void>;
  isPinned: (hash: BlobHash) => boolean;
  list: () => BlobHash[];
  usage: () => BlobUsage;
  /**
   * Deletes every blob that is neither pinned nor live by `isLive` (the daemon answers from its
   * view of the chain: inputs of jobs not final, results not paid), plus temporary files left by a
   * crash. Returns what was removed.
   */
  gc: (isLive: (hash: BlobHash) => boolean | Promise<boolean>) => Promise<GcResult>;
};

const MiB = 1024 * 1024;

/**
 * Opens (or creates) a blob store in `dir` and indexes what is already there.
 *
 * @example
 * const store = await createBlobStore({ dir: "/var/lib/mai/blobs", quotaBytes: 2 ** 30 });
 * const { hash } = await store.put(new TextEncoder().encode("hello"));
 * const bytes = await store.get(hash);
 */
export async function createBlobStore(parameters: CreateBlobStoreParameters): Promise<BlobStore> {
  const dir = path.resolve(parameters.dir);
  const maxBlobBytes = parameters.maxBlobBytes ?? 64 * MiB;
  const quotaBytes = parameters.quotaBytes ?? 4096 * MiB;
  const fsync = parameters.fsync ?? true;
  const { logger, metrics } = parameters;
  const blobsDir = path.join(dir, "blobs");
  const tmpDir = path.join(dir, "tmp");
  const pinsDir = path.join(dir, "pins");

  await Promise.all([blobsDir, tmpDir, pinsDir].map((d) => mkdir(d, { recursive: true })));
  // Nothing can be in flight before this store exists: whatever sits in tmp/ is a crashed write.
  for (const name of await readdir(tmpDir)) await rm(path.join(tmpDir, name), { force: true });

  // hash -> size of every blob on disk, kept in memory so quota checks and `has` need no syscalls.
  const index = new Map<BlobHash, number>();
  let usedBytes = 0;
  let reservedBytes = 0;
  const inFlight = new Set<string>();
  // Hashes whose verified bytes are being moved into place (write count per hash).
  const landing = new Map<BlobHash, number>();
  const pins = new Set<BlobHash>();

  for (const a of await readdir(blobsDir)) {
    for (const b of await readdir(path.join(blobsDir, a)).catch(() => [] as string[])) {
      for (const name of await readdir(path.join(blobsDir, a, b)).catch(() => [] as string[])) {
        const hash = safeHash(name);
        if (hash === undefined || !name.startsWith(a + b)) continue;
        const { size } = await stat(path.join(blobsDir, a, b, name));
        index.set(hash, size);
        usedBytes += size;
      }
    }
  }
  for (const name of await readdir(pinsDir)) {
    const hash = safeHash(name);
    if (hash !== undefined) pins.add(hash);
  }
  report();

  function blobPath(hash: BlobHash): string {
    return path.join(blobsDir, hash.slice(0, 2), hash.slice(2, 4), hash);
  }

  function report() {
    metrics?.blobBytes.set(usedBytes);
    metrics?.blobCount.set(index.size);
  }

  function forget(hash: BlobHash) {
    const size = index.get(hash);
    if (size === undefined) return;
    index.delete(hash);
    usedBytes -= size;
    report();
  }

  function notFound(hash: BlobHash): BlobError {
    return new BlobError("BLOB_NOT_FOUND", "Blob not found in the local store", { details: { hash } });
  }

  async function corrupt(hash: BlobHash, actual: string): Promise<BlobError> {
    await unlink(blobPath(hash)).catch(() => {});
    forget(hash);
    metrics?.blobCorrupt?.inc();
    logger?.warn({ hash, actual }, "blob on disk does not match its hash; deleted it (disk fault or tampering)");
    return new BlobError(
      "BLOB_CORRUPT",
      "The stored copy of this blob was corrupt and has been deleted; fetch it again",
      {
        details: { hash, actual },
      },
    );
  }

  function tooLarge(size: number): BlobError {
    return new BlobError("BLOB_TOO_LARGE", "Blob is larger than this store accepts", {
      details: { size, maxBlobBytes },
    });
  }

  function quotaExceeded(needed: number): BlobError {
    return new BlobError("BLOB_QUOTA_EXCEEDED", "Blob store quota exceeded; run gc or raise the quota", {
      details: { needed, usedBytes, reservedBytes, quotaBytes },
      // Space may be freed by gc or by other writes failing, so a later attempt can succeed.
      retryable: true,
    });
  }

  function isMissing(error: unknown): boolean {
    return (error as { code?: string }).code === "ENOENT";
  }

  async function put(source: BlobSource, options: PutBlobOptions = {}): Promise<PutBlobResult> {
    const expectedHash = options.expectedHash === undefined ? undefined : toBlobHash(options.expectedHash);
    if (source instanceof Uint8Array && source.byteLength > maxBlobBytes) throw tooLarge(source.byteLength);
    const tmpName = `${Date.now()}-${randomUUID()}`;
    const tmpPath = path.join(tmpDir, tmpName);
    inFlight.add(tmpName);
    const hasher = createHash("sha256");
    let size = 0;
    let reserved = 0;
    let renamed = false;
    const file = await open(tmpPath, "wx");
    try {
      const chunks: AsyncIterable<Uint8Array> | Uint8Array[] = source instanceof Uint8Array ? [source] : source;
      for await (const chunk of chunks) {
        size += chunk.byteLength;
        if (size > maxBlobBytes) throw tooLarge(size);
        // Reserve as we go so that concurrent writes cannot together overshoot the quota.
        if (usedBytes + reservedBytes + chunk.byteLength > quotaBytes) throw quotaExceeded(size);
        reservedBytes += chunk.byteLength;
        reserved += chunk.byteLength;
        hasher.update(chunk);
        await file.write(chunk);
      }
      if (fsync) await file.sync();
      await file.close();
      const hash = hasher.digest("hex");
      if (expectedHash !== undefined && hash !== expectedHash) {
        throw new BlobError("BLOB_HASH_MISMATCH", "Blob bytes do not hash to the expected sha256; nothing stored", {
          details: { expected: expectedHash, actual: hash, size },
        });
      }
      // Claimed synchronously, before any await, so two writes of one blob are counted once.
      const created = !index.has(hash);
      if (created) {
        index.set(hash, size);
        usedBytes += size;
      }
      // Indexed but not yet in place: gc must not take the missing file for a dead blob.
      landing.set(hash, (landing.get(hash) ?? 0) + 1);
      try {
        await mkdir(path.dirname(blobPath(hash)), { recursive: true });
        // Also when the blob exists: these bytes were just verified, the old copy may have rotted.
        await rename(tmpPath, blobPath(hash));
        renamed = true;
      } catch (error) {
        if (created) forget(hash);
        throw error;
      } finally {
        const left = (landing.get(hash) ?? 1) - 1;
        if (left === 0) landing.delete(hash);
        else landing.set(hash, left);
      }
      report();
      return { hash, size, created };
    } finally {
      reservedBytes -= reserved;
      inFlight.delete(tmpName);
      await file.close().catch(() => {});
      if (!renamed) await rm(tmpPath, { force: true });
    }
  }

  async function get(hash: BlobHash): Promise<Uint8Array> {
    toBlobHash(hash);
    let bytes: Buffer;
    try {
      bytes = await readFile(blobPath(hash));
    } catch (error) {
      if (!isMissing(error)) throw error;
      forget(hash);
      throw notFound(hash);
    }
    const actual = createHash("sha256").update(bytes).digest("hex");
    if (actual !== hash) throw await corrupt(hash, actual);
    return bytes;
  }

  async function hashFile(file: string): Promise<string> {
    const hasher = createHash("sha256");
    for await (const chunk of createReadStream(file)) hasher.update(chunk as Buffer);
    return hasher.digest("hex");
  }

  async function openBlob(hash: BlobHash, options: OpenBlobOptions = {}) {
    toBlobHash(hash);
    const file = blobPath(hash);
    let size: number;
    try {
      size = (await stat(file)).size;
      if (options.verifyFirst ?? true) {
        const actual = await hashFile(file);
        if (actual !== hash) throw await corrupt(hash, actual);
      }
    } catch (error) {
      if (!isMissing(error)) throw error;
      forget(hash);
      throw notFound(hash);
    }
    // Checked again while streaming: the file may change between the check above and the read.
    const hasher = createHash("sha256");
    const verify = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        hasher.update(chunk);
        callback(null, chunk);
      },
      flush(callback) {
        const actual = hasher.digest("hex");
        if (actual === hash) callback();
        else corrupt(hash, actual).then(callback, callback);
      },
    });
    // pipeline, not pipe: a consumer that goes away (client hung up) must close the file too.
    pipeline(createReadStream(file), verify, () => {});
    return { size, stream: verify };
  }

  async function statBlob(hash: BlobHash): Promise<BlobStat | undefined> {
    toBlobHash(hash);
    try {
      const s = await stat(blobPath(hash));
      return { hash, size: s.size, mtimeMs: s.mtimeMs, pinned: pins.has(hash) };
    } catch (error) {
      if (!isMissing(error)) throw error;
      if (!landing.has(hash)) forget(hash);
      return undefined;
    }
  }

  async function deleteBlob(hash: BlobHash): Promise<boolean> {
    toBlobHash(hash);
    const existed = index.has(hash);
    await unlink(blobPath(hash)).catch((error) => {
      if (!isMissing(error)) throw error;
    });
    forget(hash);
    await unpin(hash);
    return existed;
  }

  async function pin(hash: BlobHash) {
    toBlobHash(hash);
    await writeFile(path.join(pinsDir, hash), "");
    pins.add(hash);
  }

  async function unpin(hash: BlobHash) {
    toBlobHash(hash);
    await rm(path.join(pinsDir, hash), { force: true });
    pins.delete(hash);
  }

  async function gc(isLive: (hash: BlobHash) => boolean | Promise<boolean>): Promise<GcResult> {
    const deleted: BlobHash[] = [];
    let freedBytes = 0;
    let kept = 0;
    for (const [hash, size] of [...index]) {
      if (pins.has(hash) || landing.has(hash) || (await isLive(hash)) || landing.has(hash)) {
        kept++;
        continue;
      }
      // A write of the same blob may have landed while isLive was answering; it is the same bytes
      // and equally dead, so deleting it is still right.
      await unlink(blobPath(hash)).catch((error) => {
        if (!isMissing(error)) throw error;
      });
      forget(hash);
      deleted.push(hash);
      freedBytes += size;
    }
    for (const name of await readdir(tmpDir)) {
      if (!inFlight.has(name)) await rm(path.join(tmpDir, name), { force: true });
    }
    if (deleted.length > 0) logger?.info({ deleted: deleted.length, freedBytes, kept }, "blob gc");
    return { deleted, freedBytes, kept };
  }

  return {
    dir,
    put,
    get,
    open: openBlob,
    has: (hash) => index.has(hash),
    stat: statBlob,
    delete: deleteBlob,
    canAccept: (size) => size <= maxBlobBytes && usedBytes + reservedBytes + size <= quotaBytes,
    pin,
    unpin,
    isPinned: (hash) => pins.has(hash),
    list: () => [...index.keys()],
    usage: () => ({ bytes: usedBytes, count: index.size, reservedBytes, quotaBytes, maxBlobBytes }),
    gc,
  };
}

function safeHash(name: string): BlobHash | undefined {
  try {
    return toBlobHash(name);
  } catch {
    return undefined;
  }
}
