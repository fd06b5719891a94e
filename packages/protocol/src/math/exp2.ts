import { LN2_WAD, MAX_EXP2_WAD, MIN_EXP2_WAD, WAD } from "./constants.js";
import { MathError } from "./MathError.js";

/**
 * 2^x in WAD, rounded down; mirrors `Emission.exp2` bit for bit (Taylor polynomial of e^(f ln2) by
 * Horner's rule on the fractional part, then a shift by the integer part).
 * @example exp2(10n ** 18n) // 2n * 10n ** 18n
 */
export function exp2(xWad: bigint): bigint {
  if (xWad > MAX_EXP2_WAD) throw new MathError("Exp2Overflow", [xWad]);
  if (xWad < MIN_EXP2_WAD) return 0n;
  const negative = xWad < 0n;
  const a = negative ? -xWad : xWad;
  let n = a / WAD;
  let f = a % WAD;
  if (negative && f !== 0n) {
    n += 1n;
    f = WAD - f;
  }
  const y = (f * LN2_WAD) / WAD;
  // e^y by Horner's rule on 18 Taylor terms, every step rounded down (unrolled in Solidity).
  let r = WAD;
  for (let k = 18n; k >= 1n; k--) r = WAD + (r * y) / (k * WAD);
  return negative ? r >> n : r << n;
}
