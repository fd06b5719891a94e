import { type Abi, decodeErrorResult, type Hex } from "viem";

export type DecodeRevertReturnType = { errorName: string; args: readonly unknown[] } | undefined;

/** The raw revert data somewhere in a viem error's cause chain, if the node returned any. */
function findRevertData(error: unknown): Hex | undefined {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current && typeof current === "object" && !seen.has(current)) {
    seen.add(current);
    const data = (current as { data?: unknown }).data;
    if (typeof data === "string" && /^0x[0-9a-fA-F]{8,}$/.test(data)) return data as Hex;
    if (data && typeof data === "object" && typeof (data as { data?: unknown }).data === "string") {
      const inner = (data as { data: string }).data;
      if (/^0x[0-9a-fA-F]{8,}$/.test(inner)) return inner as Hex;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Names the custom error in a revert, trying each ABI in turn (plus the built-in `Error(string)`
 * and `Panic(uint256)`). `undefined` when there is no revert data or no ABI knows the selector.
 * @example decodeRevert(err, [jobMarketAbi])?.errorName // "StakeTooSmall"
 */
export function decodeRevert(error: unknown, abis: readonly Abi[]): DecodeRevertReturnType {
  const data = findRevertData(error);
  if (data === undefined) return undefined;
  for (const abi of [...abis, [] as Abi]) {
    try {
      const decoded = decodeErrorResult({ abi, data });
      return { errorName: decoded.errorName, args: decoded.args ?? [] };
    } catch {}
  }
  return undefined;
}
