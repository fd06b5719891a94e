import { createHash } from "node:crypto";
import type { Hex, Tensor } from "./types.js";

/** dtype tag of float32 in the canonical tensor layout. */
export const DTYPE_F32 = 1;
const CANONICAL_NAN = 0x7fc00000;

/** Copy of data with every NaN replaced by the canonical quiet NaN 0x7fc00000. */
export function canonicalizeNaN(data: Float32Array): Float32Array {
  const out = new Float32Array(data);
  const bits = new Uint32Array(out.buffer, out.byteOffset, out.length);
  for (let i = 0; i < out.length; i++) {
    const v = out[i];
    if (Number.isNaN(v)) bits[i] = CANONICAL_NAN;
  }
  return out;
}

/**
 * Canonical tensor bytes: u8 dtype (1 = float32), u8 rank, rank x u32 LE dims, then the elements
 * as f32 LE in row-major order with every NaN set to 0x7fc00000. Byte order is fixed regardless
 * of the host's endianness.
 */
export function encodeTensor(t: Tensor): Uint8Array {
  const size = t.shape.reduce((a, b) => a * b, 1);
  if (size !== t.data.length)
    throw new Error(`encodeTensor: shape [${t.shape}] does not match ${t.data.length} elements`);
  if (t.shape.length > 255) throw new Error(`encodeTensor: rank ${t.shape.length} exceeds 255`);
  const head = 2 + 4 * t.shape.length;
  const out = new Uint8Array(head + 4 * size);
  const view = new DataView(out.buffer);
  view.setUint8(0, DTYPE_F32);
  view.setUint8(1, t.shape.length);
  t.shape.forEach((d, i) => {
    view.setUint32(2 + 4 * i, d, true);
  });
  const canon = canonicalizeNaN(t.data);
  const bits = new Uint32Array(canon.buffer);
  for (let i = 0; i < size; i++) view.setUint32(head + 4 * i, bits[i], true);
  return out;
}

/** Inverse of encodeTensor; returns the tensor and the number of bytes consumed. */
export function decodeTensorAt(bytes: Uint8Array, offset: number): { tensor: Tensor; end: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dtype = view.getUint8(offset);
  if (dtype !== DTYPE_F32) throw new Error(`decodeTensor: unsupported dtype tag ${dtype}`);
  const rank = view.getUint8(offset + 1);
  const shape: number[] = [];
  for (let i = 0; i < rank; i++) shape.push(view.getUint32(offset + 2 + 4 * i, true));
  const size = shape.reduce((a, b) => a * b, 1);
  const head = offset + 2 + 4 * rank;
  if (head + 4 * size > bytes.byteLength) throw new Error("decodeTensor: truncated data");
  const data = new Float32Array(size);
  const bits = new Uint32Array(data.buffer);
  for (let i = 0; i < size; i++) bits[i] = view.getUint32(head + 4 * i, true);
  return { tensor: { shape, data }, end: head + 4 * size };
}

/** Inverse of encodeTensor. */
export function decodeTensor(bytes: Uint8Array): Tensor {
  const { tensor, end } = decodeTensorAt(bytes, 0);
  if (end !== bytes.byteLength) throw new Error(`decodeTensor: ${bytes.byteLength - end} trailing bytes`);
  return tensor;
}

/** sha256 of encodeTensor(t), 0x-prefixed lowercase hex. */
export function hashTensor(t: Tensor): Hex {
  return `0x${createHash("sha256").update(encodeTensor(t)).digest("hex")}`;
}
