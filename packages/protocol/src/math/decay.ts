import { WAD } from "./constants.js";
import { exp2 } from "./exp2.js";

/** 2^(-xWad/h) in WAD (the private `Emission._decay`); 0 beyond 64 halvings. */
export function decay(xWad: bigint, h: bigint): bigint {
  const e = xWad / h;
  if (e > 64n * WAD) return 0n;
  return exp2(-e);
}
