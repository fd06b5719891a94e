import { MAX_EXP2_WAD, MAX_UINT256, WAD } from "./constants.js";
import type { EmissionParams } from "./EmissionParams.js";
import { exp2 } from "./exp2.js";
import { MathError } from "./MathError.js";

/**
 * Difficulty D(theta) = D0 * 2^(theta/G), rounded up and saturating at 2^256 - 1; mirrors `Emission.baseline`.
 * @example baseline({ e0: 1n, alphaWad: 0n, halfLifeEpochs: 1n, d0: 5n, doublingEpochs: 2n }, 2n * 10n ** 18n) // 10n
 */
export function baseline(p: EmissionParams, thetaWad: bigint): bigint {
  if (p.doublingEpochs === 0n) throw new MathError("ZeroPeriod", [p.halfLifeEpochs, p.doublingEpochs]);
  if (p.d0 === 0n) return 0n;
  const x = thetaWad / p.doublingEpochs;
  if (x > MAX_EXP2_WAD) return MAX_UINT256;
  const growth = exp2(x);
  if (p.d0 > MAX_UINT256 / growth) return MAX_UINT256;
  const product = p.d0 * growth;
  return (product + WAD - 1n) / WAD;
}
