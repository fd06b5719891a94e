/**
 * A file holding a dataset's canonical bytes (the bytes `datasetHash` hashes: per split, train then
 * test, u32 LE item count, f32 LE pixels, i32 LE labels), so a process reads 31 MB instead of parsing
 * the `mnist` package's JSON (about 60 MB of JS arrays, and seconds of CPU). The file is trusted only
 * if it hashes to the registry's content hash; anything else is ignored and rewritten.
 */
import { createHash, randomBytes } from "node:crypto";
import { closeSync, fstatSync, mkdirSync, openSync, readSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { DatasetInfo } from "./datasets.js";
import type { DataSplit } from "./loadMnist.js";

const SPLITS = ["train", "test"] as const;

function cacheFile(info: DatasetInfo): string {
  return path.join(tmpdir(), "maitoken-datasets", `${info.id}-${info.contentHash.slice(2, 18)}.bin`);
}

/** The cached splits, or undefined when there is no file or it does not hash to `info.contentHash`. */
export function readDatasetCache(info: DatasetInfo): Record<"train" | "test", DataSplit> | undefined {
  const buffer = readWholeFile(cacheFile(info));
  if (!buffer) return undefined;
  if (`0x${createHash("sha256").update(new Uint8Array(buffer)).digest("hex")}` !== info.contentHash) return undefined;
  const itemSize = info.itemShape.reduce((a, b) => a * b, 1);
  const splits: Partial<Record<"train" | "test", DataSplit>> = {};
  let at = 0;
  for (const name of SPLITS) {
    const count = new DataView(buffer, at, 4).getUint32(0, true);
    at += 4;
    const x = new Float32Array(buffer, at, count * itemSize);
    at += x.byteLength;
    const labels = new Int32Array(buffer, at, count);
    at += labels.byteLength;
    splits[name] = { name, count, itemShape: info.itemShape, itemSize, x, labels };
  }
  return at === buffer.byteLength ? (splits as Record<"train" | "test", DataSplit>) : undefined;
}

/**
 * The file's bytes in one fresh ArrayBuffer (aligned, so the typed arrays can view it in place), or
 * undefined if it cannot be read whole. Reading straight into it, rather than readFileSync and a
 * copy, keeps one 31 MB buffer alive at the peak instead of two.
 */
function readWholeFile(file: string): ArrayBuffer | undefined {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch {
    return undefined;
  }
  try {
    const bytes = new Uint8Array(new ArrayBuffer(fstatSync(fd).size));
    for (let at = 0; at < bytes.byteLength; ) {
      const n = readSync(fd, bytes, at, bytes.byteLength - at, at);
      if (n === 0) return undefined;
      at += n;
    }
    return bytes.buffer;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** Writes the canonical bytes atomically (temp file, then rename); a failure only costs the next load time. */
export function writeDatasetCache(info: DatasetInfo, splits: Record<"train" | "test", DataSplit>): void {
  const parts: Uint8Array[] = [];
  for (const name of SPLITS) {
    const s = splits[name];
    const count = new Uint8Array(4);
    new DataView(count.buffer).setUint32(0, s.count, true);
    parts.push(count, new Uint8Array(s.x.buffer, s.x.byteOffset, s.x.byteLength));
    parts.push(new Uint8Array(s.labels.buffer, s.labels.byteOffset, s.labels.byteLength));
  }
  const file = cacheFile(info);
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    const temp = `${file}.${randomBytes(6).toString("hex")}.tmp`;
    writeFileSync(temp, Buffer.concat(parts));
    renameSync(temp, file);
  } catch {}
}
