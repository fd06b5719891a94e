import { LN2_WAD, MAX_EXP2_WAD, MIN_EXP2_WAD, WAD } from "./constants.js";
import { MathError } from "./MathError.js";

/**
 * 2^x in WAD, rounded down; mirrors `Emission.exp2` bit for bit (Taylor series of e^(f ln2) on the
 * fractional part, then a shift by the integer part).
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
  let term = WAD;
  let sum = WAD;
  for (let i = 1n; term !== 0n; i++) {
    term = (term * y) / WAD / i;
    sum += term;
  }
  return negative ? sum >> n : sum << n;
}
