/**
 * Canonical bytes of a TrainState (all integers little-endian):
 *   "MAIT" | u16 format (1) | u16 len + ENGINE_VERSION (utf8) | u64 step | u64 cursor |
 *   4 x u32 prng | u32 paramCount | paramCount x (u16 len + name utf8 | encodeTensor(param) |
 *   u8 momentCount | momentCount x (f32 data, param-sized, NaN canonicalised)).
 * Decoding refuses another engine version: a state is only meaningful to the engine that made it.
 */
import { canonicalizeNaN, decodeTensorAt, encodeTensor } from "./encode.js";
import type { Param, TrainState } from "./types.js";
import { ENGINE_VERSION } from "./version.js";

const MAGIC = [0x4d, 0x41, 0x49, 0x54]; // "MAIT"
const FORMAT = 1;

export function encodeTrainState(state: TrainState): Uint8Array {
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [];
  const head = (n: number, fill: (v: DataView) => void): void => {
    const b = new Uint8Array(n);
    fill(new DataView(b.buffer));
    parts.push(b);
  };
  const str = (s: string): void => {
    const b = enc.encode(s);
    head(2, (v) => v.setUint16(0, b.length, true));
    parts.push(b);
  };
  parts.push(Uint8Array.from(MAGIC));
  head(2, (v) => v.setUint16(0, FORMAT, true));
  str(ENGINE_VERSION);
  head(20 + 16, (v) => {
    v.setBigUint64(0, BigInt(state.step), true);
    v.setBigUint64(8, BigInt(state.cursor), true);
    for (let i = 0; i < 4; i++) v.setUint32(16 + 4 * i, state.prng[i], true);
    v.setUint32(32, state.params.length, true);
  });
  if (state.moments.length !== state.params.length)
    throw new Error("encodeTrainState: moments and params differ in length");
  state.params.forEach((p, i) => {
    str(p.name);
    parts.push(encodeTensor(p.tensor));
    const ms = state.moments[i];
    head(1, (v) => v.setUint8(0, ms.length));
    for (const m of ms) {
      if (m.length !== p.tensor.data.length)
        throw new Error(`encodeTrainState: moment of ${p.name} has ${m.length} elements`);
      const c = canonicalizeNaN(m);
      head(4 * c.length, (v) => {
        for (let j = 0; j < c.length; j++) v.setFloat32(4 * j, c[j], true);
      });
    }
  });
  const total = parts.reduce((s, b) => s + b.length, 0);
  const out = new Uint8Array(total);
  let off = 0;
  for (const b of parts) {
    out.set(b, off);
    off += b.length;
  }
  return out;
}

export function decodeTrainState(bytes: Uint8Array): TrainState {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dec = new TextDecoder("utf-8", { fatal: true });
  let off = 0;
  const need = (n: number): void => {
    if (off + n > bytes.byteLength) throw new Error("decodeTrainState: truncated");
  };
  const str = (): string => {
    need(2);
    const n = v.getUint16(off, true);
    need(2 + n);
    const s = dec.decode(bytes.subarray(off + 2, off + 2 + n));
    off += 2 + n;
    return s;
  };
  need(6);
  if (MAGIC.some((b, i) => bytes[i] !== b)) throw new Error("decodeTrainState: bad magic");
  const format = v.getUint16(4, true);
  if (format !== FORMAT) throw new Error(`decodeTrainState: unsupported format ${format}`);
  off = 6;
  const version = str();
  if (version !== ENGINE_VERSION)
    throw new Error(`decodeTrainState: state made by ${version}, this engine is ${ENGINE_VERSION}`);
  need(36);
  const step = Number(v.getBigUint64(off, true));
  const cursor = Number(v.getBigUint64(off + 8, true));
  const prng = new Uint32Array(4);
  for (let i = 0; i < 4; i++) prng[i] = v.getUint32(off + 16 + 4 * i, true);
  const count = v.getUint32(off + 32, true);
  off += 36;
  const params: Param[] = [];
  const moments: Float32Array[][] = [];
  for (let i = 0; i < count; i++) {
    const name = str();
    const { tensor, end } = decodeTensorAt(bytes, off);
    off = end;
    need(1);
    const k = v.getUint8(off);
    off += 1;
    const n = tensor.data.length;
    const ms: Float32Array[] = [];
    for (let j = 0; j < k; j++) {
      need(4 * n);
      const m = new Float32Array(n);
      for (let e = 0; e < n; e++) m[e] = v.getFloat32(off + 4 * e, true);
      off += 4 * n;
      ms.push(m);
    }
    params.push({ name, tensor });
    moments.push(ms);
  }
  if (off !== bytes.byteLength) throw new Error(`decodeTrainState: ${bytes.byteLength - off} trailing bytes`);
  return { params, moments, step, cursor, prng };
}
