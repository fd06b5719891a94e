import { InvalidArgumentError } from "commander";
import { type Address, getAddress, isAddress, parseEther } from "viem";

/** `"12.5"` MAI as wei; commander reports a bad value as a usage error. */
export function parseMai(value: string): bigint {
  if (!/^\d+(\.\d{1,18})?$/.test(value))
    throw new InvalidArgumentError(`"${value}" is not an amount of MAI (e.g. 100 or 0.5)`);
  return parseEther(value);
}

export function parseAddressArg(value: string): Address {
  if (!isAddress(value, { strict: false }))
    throw new InvalidArgumentError(`"${value}" is not an address (0x + 40 hex digits)`);
  return getAddress(value);
}

export function parseIntArg(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`"${value}" is not a non-negative integer`);
  return Number(value);
}

export function parseBigIntArg(value: string): bigint {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`"${value}" is not a non-negative integer`);
  return BigInt(value);
}
