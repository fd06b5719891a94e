/**
 * Thrown where the Solidity library reverts, named after its custom error and carrying the same
 * values, so a caller can match TypeScript and on-chain failures one to one.
 */
export class MathError extends Error {
  override name = "MathError";
  constructor(
    readonly errorName: string,
    readonly args: readonly bigint[],
  ) {
    super(`${errorName}(${args.join(", ")})`);
  }
}
