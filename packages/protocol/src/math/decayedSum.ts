import { WAD } from "./constants.js";
import { decay } from "./decay.js";
import type { EmissionParams } from "./EmissionParams.js";
import { MathError } from "./MathError.js";

/**
 * Closed-form sum of E0*alpha*2^(-e/H) over e in [fromEpoch, fromEpoch + count); mirrors `Emission.decayedSum`.
 * @example decayedSum(params, 0n, 0n) // 0n
 */
export function decayedSum(p: EmissionParams, fromEpoch: bigint, count: bigint): bigint {
  if (p.halfLifeEpochs === 0n) throw new MathError("ZeroPeriod", [p.halfLifeEpochs, p.doublingEpochs]);
  if (p.alphaWad > WAD) throw new MathError("AlphaTooLarge", [p.alphaWad]);
  if (count === 0n) return 0n;
  const h = p.halfLifeEpochs;
  const dFrom = decay(fromEpoch * WAD, h);
  const dEnd = decay((fromEpoch + count) * WAD, h);
  const ratio = decay(WAD, h);
  const numerator = (p.alphaWad * (dFrom - dEnd)) / WAD;
  return (p.e0 * numerator) / (WAD - ratio);
}
