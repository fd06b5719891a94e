import { type Hex, hexToBigInt } from "viem";
import { BPS } from "./constants.js";

export type DrawAuditReturnType = { audited: boolean; unitIndex: bigint };

const LOW_128 = (1n << 128n) - 1n;

/**
 * From one seed: audited with probability probBps/10000 (low 128 bits) and which unit (high 128 bits);
 * mirrors `Sortition.drawAudit`.
 * @example drawAudit(seed, 10_000n, 32n).audited // true
 */
export function drawAudit(seed: Hex, probBps: bigint, units: bigint): DrawAuditReturnType {
  const r = hexToBigInt(seed);
  return {
    audited: (r & LOW_128) % BPS < probBps,
    unitIndex: units === 0n ? 0n : (r >> 128n) % units,
  };
}
