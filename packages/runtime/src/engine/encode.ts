import type { Hex, Tensor } from "./types.js";

const todo = (n: string): never => {
  throw new Error(`${n}: not implemented`);
};
/** Copy of data with every NaN replaced by the canonical quiet NaN 0x7fc00000. */
export function canonicalizeNaN(data: Float32Array): Float32Array { return todo("canonicalizeNaN"); }
/** Canonical bytes: u8 dtype tag (1 = f32), u8 rank, rank x u32 LE dims, f32 LE data (NaN canonicalised). */
export function encodeTensor(t: Tensor): Uint8Array { return todo("encodeTensor"); }
export function decodeTensor(bytes: Uint8Array): Tensor { return todo("decodeTensor"); }
/** sha256 of encodeTensor(t), 0x-prefixed. */
export function hashTensor(t: Tensor): Hex { return todo("hashTensor"); }
