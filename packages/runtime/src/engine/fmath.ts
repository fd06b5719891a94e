/** Deterministic float32 exp (stub). */
export function fexp(x: number): number {
  throw new Error(`fexp: not implemented (${x})`);
}
/** Deterministic float32 natural log (stub). */
export function flog(x: number): number {
  throw new Error(`flog: not implemented (${x})`);
}
/** Deterministic float32 tanh (stub). */
export function ftanh(x: number): number {
  throw new Error(`ftanh: not implemented (${x})`);
}
