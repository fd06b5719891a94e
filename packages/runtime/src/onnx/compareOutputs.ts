/**
 * The tolerant-mode verdict: two output sets agree when every element pair satisfies
 * |a - b| <= abs + rel * max(|a|, |b|). Symmetric on purpose, so the verdict does not depend on
 * which side is the miner and which the auditor. NaN matches only NaN; infinities match only
 * themselves.
 */
import type { Tensor } from "../engine/index.js";

export interface Tolerance {
  abs: number;
  rel: number;
}

export interface CompareOutputsReturnType {
  ok: boolean;
  /** Largest |a - b| over all finite pairs (0 when there are none). */
  maxAbsDiff: number;
  /** Largest |a - b| / max(|a|, |b|) over finite pairs with a non-zero side. */
  maxRelDiff: number;
  /** Element pairs outside the tolerance. */
  mismatches: number;
  /** Element pairs compared. */
  compared: number;
  /** Structural problems (missing outputs, shape differences); any makes `ok` false. */
  problems: string[];
  firstMismatch?: { output: string; index: number; a: number; b: number };
}

/**
 * @example
 * const verdict = compareOutputs(minerOut, auditorOut, { abs: 1e-5, rel: 1e-5 });
 * if (!verdict.ok) console.log(verdict.firstMismatch, verdict.problems);
 */
export function compareOutputs(
  a: Record<string, Tensor>,
  b: Record<string, Tensor>,
  tolerance: Tolerance,
): CompareOutputsReturnType {
  if (!(tolerance.abs >= 0) || !(tolerance.rel >= 0)) {
    throw new RangeError(`tolerance must be non-negative, got abs=${tolerance.abs} rel=${tolerance.rel}`);
  }
  const result: CompareOutputsReturnType = { ok: true, maxAbsDiff: 0, maxRelDiff: 0, mismatches: 0, compared: 0, problems: [] };
  const names = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  for (const name of names) {
    const ta = a[name];
    const tb = b[name];
    if (!ta || !tb) {
      result.problems.push(`output '${name}' is missing on the ${ta ? "second" : "first"} side`);
      continue;
    }
    if (ta.shape.length !== tb.shape.length || ta.shape.some((d, i) => d !== tb.shape[i])) {
      result.problems.push(`output '${name}' has shape [${ta.shape.join(", ")}] vs [${tb.shape.join(", ")}]`);
      continue;
    }
    if (ta.data.length !== tb.data.length) {
      result.problems.push(`output '${name}' has ${ta.data.length} vs ${tb.data.length} elements`);
      continue;
    }
    for (let i = 0; i < ta.data.length; i++) {
      const x = ta.data[i] as number;
      const y = tb.data[i] as number;
      result.compared++;
      let good: boolean;
      if (Number.isNaN(x) || Number.isNaN(y)) {
        good = Number.isNaN(x) && Number.isNaN(y);
      } else if (!Number.isFinite(x) || !Number.isFinite(y)) {
        good = x === y;
      } else {
        const diff = Math.abs(x - y);
        const scale = Math.max(Math.abs(x), Math.abs(y));
        if (diff > result.maxAbsDiff) result.maxAbsDiff = diff;
        if (scale > 0 && diff / scale > result.maxRelDiff) result.maxRelDiff = diff / scale;
        good = diff <= tolerance.abs + tolerance.rel * scale;
      }
      if (!good) {
        result.mismatches++;
        result.firstMismatch ??= { output: name, index: i, a: x, b: y };
      }
    }
  }
  result.ok = result.mismatches === 0 && result.problems.length === 0;
  return result;
}
