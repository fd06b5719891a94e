/** Fixed-point scale shared with the Solidity libraries (1e18 = 1.0). */
export const WAD = 10n ** 18n;
/** Basis points in one (10000 = 100%). */
export const BPS = 10_000n;
/** Largest uint256. */
export const MAX_UINT256 = (1n << 256n) - 1n;
/** ln(2) in WAD, rounded down (same constant as `Emission.LN2_WAD`). */
export const LN2_WAD = 693147180559945309n;
/** exp2 accepts exponents up to 192 (WAD) and returns 0 below -64 (WAD). */
export const MAX_EXP2_WAD = 192n * WAD;
export const MIN_EXP2_WAD = -64n * WAD;
