import { baseline } from "./baseline.js";
import { WAD } from "./constants.js";
import { decay } from "./decay.js";
import type { EmissionParams } from "./EmissionParams.js";
import { MathError } from "./MathError.js";

export type EpochEmissionReturnType = { minted: bigint; newThetaWad: bigint };

/**
 * One epoch's emission and the advanced effective time; mirrors `Emission.epochEmission`:
 * minted = E0*[alpha*2^(-e/H) + (1-alpha)*2^(-theta/H)*r], r = min(1, W/D(theta)), theta' = theta + r.
 * @example epochEmission(params, 0n, 0n, params.d0).minted === params.e0
 */
export function epochEmission(
  p: EmissionParams,
  epoch: bigint,
  thetaWad: bigint,
  work: bigint,
): EpochEmissionReturnType {
  if (p.halfLifeEpochs === 0n) throw new MathError("ZeroPeriod", [p.halfLifeEpochs, p.doublingEpochs]);
  if (p.alphaWad > WAD) throw new MathError("AlphaTooLarge", [p.alphaWad]);
  const d = baseline(p, thetaWad);
  const ratio = work >= d ? WAD : (work * WAD) / d;
  const timeDecay = decay(epoch * WAD, p.halfLifeEpochs);
  const thetaDecay = decay(thetaWad, p.halfLifeEpochs);
  const inner = (p.alphaWad * timeDecay) / WAD + ((WAD - p.alphaWad) * thetaDecay * ratio) / (WAD * WAD);
  return { minted: (p.e0 * inner) / WAD, newThetaWad: thetaWad + ratio };
}
