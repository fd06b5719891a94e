// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {FixedPointMathLib} from "solady/utils/FixedPointMathLib.sol";

/// @title Emission
/// @notice Baseline-minting schedule: a time-decayed part plus a part that decays with the network's
/// effective time theta, unlocked in proportion to verified weighted compute against a growing baseline.
/// @dev Invariant: `epochEmission` never returns more than `e0`, and theta advances by at most 1 (WAD)
/// per epoch, so the sum over all epochs is bounded by the full schedule (W >= D every epoch).
/// All rounding is down (toward the protocol), except the baseline, which rounds up (harder to reach).
/// `packages/protocol/src/math/` mirrors every function bit for bit; the differential test proves it.
library Emission {
    /// @notice Emission parameters (one struct so the config can be read in one call).
    struct Params {
        uint256 e0; // MAI-wei minted per epoch at the start of the full schedule
        uint256 alphaWad; // share of the time-decayed part (WAD, <= 1e18)
        uint256 halfLifeEpochs; // H, epochs per halving
        uint256 d0; // baseline weighted compute per epoch at theta = 0 (RewardWeight units)
        uint256 doublingEpochs; // G, effective epochs per doubling of the baseline
    }

    /// @notice Thrown when 2^x would not fit in 256 bits.
    error Exp2Overflow(int256 xWad);
    /// @notice Thrown when a period parameter (H or G) is zero.
    error ZeroPeriod(uint256 halfLifeEpochs, uint256 doublingEpochs);
    /// @notice Thrown when alpha exceeds 1 (WAD).
    error AlphaTooLarge(uint256 alphaWad);

    uint256 internal constant WAD = 1e18;
    /// @dev ln(2) in WAD, rounded down.
    uint256 internal constant LN2_WAD = 693147180559945309;
    /// @dev Largest exponent accepted: 2^f < 2^61 in WAD, shifted by at most 192 bits, stays below 2^256.
    int256 internal constant MAX_EXP2_WAD = 192e18;
    /// @dev Below this 2^x in WAD is 0 (2^-64 * 2e18 < 1).
    int256 internal constant MIN_EXP2_WAD = -64e18;
    uint256 private constant MAX_EXP2_UWAD = 192e18;
    uint256 private constant MIN_EXP2_UWAD = 64e18;

    /// @notice 2^x in WAD, rounded down. x is WAD and may be negative.
    /// @dev x = n + f with integer n = floor(x) and f in [0, 1). 2^f = e^(f ln2) by a Taylor polynomial
    /// evaluated with Horner's rule (every step rounded down), then shifted by n.
    /// @param xWad Exponent in WAD.
    /// @return resultWad 2^x in WAD.
    function exp2(int256 xWad) internal pure returns (uint256 resultWad) {
        if (xWad > MAX_EXP2_WAD) revert Exp2Overflow(xWad);
        if (xWad < MIN_EXP2_WAD) return 0;
        unchecked {
            bool negative = xWad < 0;
            // casting to 'uint256' is safe because MIN_EXP2_WAD <= xWad <= MAX_EXP2_WAD here
            // forge-lint: disable-next-line(unsafe-typecast)
            uint256 a = uint256(negative ? -xWad : xWad);
            uint256 n = a / WAD; // integer part of |x|, <= 192
            uint256 f = a % WAD; // fractional part of |x|
            // -(n + f) = -(n + 1) + (1 - f): keep the fraction non-negative.
            if (negative && f != 0) {
                n += 1;
                f = WAD - f;
            }
            uint256 y = (f * LN2_WAD) / WAD; // < 0.6932e18, so every product below is < 2^128
            // e^y by Horner's rule on 18 Taylor terms (y^18/18! < 3e-19), unrolled: each step floors and is
            // non-decreasing in y, so 2^f is monotone, and r <= e^y < 2e18.
            uint256 r = WAD;
            r = WAD + (r * y) / 18e18;
            r = WAD + (r * y) / 17e18;
            r = WAD + (r * y) / 16e18;
            r = WAD + (r * y) / 15e18;
            r = WAD + (r * y) / 14e18;
            r = WAD + (r * y) / 13e18;
            r = WAD + (r * y) / 12e18;
            r = WAD + (r * y) / 11e18;
            r = WAD + (r * y) / 10e18;
            r = WAD + (r * y) / 9e18;
            r = WAD + (r * y) / 8e18;
            r = WAD + (r * y) / 7e18;
            r = WAD + (r * y) / 6e18;
            r = WAD + (r * y) / 5e18;
            r = WAD + (r * y) / 4e18;
            r = WAD + (r * y) / 3e18;
            r = WAD + (r * y) / 2e18;
            r = WAD + (r * y) / 1e18;
            // r < 2e18 < 2^61 and n <= 192, so the left shift stays below 2^253.
            resultWad = negative ? r >> n : r << n;
        }
    }

    /// @notice Difficulty D(theta) = D0 * 2^(theta/G), rounded up, saturating at type(uint256).max.
    /// @dev Saturation (instead of a revert) keeps epoch settlement live on a network that has run through
    /// ~190 doublings (e.g. a devnet with a tiny G): past that point the baseline part is unreachable anyway.
    /// @param p Emission parameters.
    /// @param thetaWad Effective time in WAD epochs.
    /// @return The weighted compute per epoch that unlocks the full schedule.
    function baseline(Params memory p, uint256 thetaWad) internal pure returns (uint256) {
        if (p.doublingEpochs == 0) revert ZeroPeriod(p.halfLifeEpochs, p.doublingEpochs);
        if (p.d0 == 0) return 0;
        uint256 x = thetaWad / p.doublingEpochs;
        if (x > MAX_EXP2_UWAD) return type(uint256).max;
        // casting to 'int256' is safe because x <= 192e18
        // forge-lint: disable-next-line(unsafe-typecast)
        uint256 growth = exp2(int256(x)); // >= 1e18
        // d0 * growth / 1e18 fits when d0 <= max / growth * 1e18 (conservative, then saturate).
        if (p.d0 > type(uint256).max / growth) return type(uint256).max;
        return FixedPointMathLib.divUp(p.d0 * growth, WAD);
    }

    /// @notice One epoch's emission and the advanced effective time.
    /// @dev minted = E0*[alpha*2^(-e/H) + (1-alpha)*2^(-theta/H)*r], r = min(1, W/D(theta)) rounded down;
    /// theta' = theta + r. With D0 = 0 the baseline is always met (r = 1).
    /// @param p Emission parameters.
    /// @param epoch Epoch index e.
    /// @param thetaWad Effective time before this epoch (WAD).
    /// @param work Verified weighted compute W(e) of the epoch (RewardWeight units).
    /// @return minted MAI-wei to mint for the epoch (<= e0).
    /// @return newThetaWad Effective time after the epoch.
    function epochEmission(Params memory p, uint256 epoch, uint256 thetaWad, uint256 work)
        internal
        pure
        returns (uint256 minted, uint256 newThetaWad)
    {
        if (p.halfLifeEpochs == 0) revert ZeroPeriod(p.halfLifeEpochs, p.doublingEpochs);
        if (p.alphaWad > WAD) revert AlphaTooLarge(p.alphaWad);
        uint256 d = baseline(p, thetaWad);
        uint256 ratio = work >= d ? WAD : FixedPointMathLib.fullMulDiv(work, WAD, d);
        uint256 timeDecay = _decay(epoch * WAD, p.halfLifeEpochs);
        uint256 thetaDecay = _decay(thetaWad, p.halfLifeEpochs);
        // Each factor is <= 1e18 (triple product <= 1e54 < 2^256), so inner <= alpha + (1 - alpha) = 1e18
        // and minted <= e0.
        uint256 inner = (p.alphaWad * timeDecay) / WAD + ((WAD - p.alphaWad) * thetaDecay * ratio) / (WAD * WAD);
        minted = FixedPointMathLib.fullMulDiv(p.e0, inner, WAD);
        newThetaWad = thetaWad + ratio;
    }

    /// @notice Closed-form sum of the time-decayed part E0*alpha*2^(-e/H) for e in [fromEpoch, fromEpoch+count).
    /// @dev E0*alpha*(2^(-from/H) - 2^(-(from+count)/H)) / (1 - 2^(-1/H)), rounded down. It is a geometric
    /// series, so no loop; the per-term floors of `epochEmission` can differ from it by a few wei per epoch.
    /// @param p Emission parameters.
    /// @param fromEpoch First epoch of the range.
    /// @param count Number of epochs.
    /// @return Sum in MAI-wei.
    function decayedSum(Params memory p, uint256 fromEpoch, uint256 count) internal pure returns (uint256) {
        if (p.halfLifeEpochs == 0) revert ZeroPeriod(p.halfLifeEpochs, p.doublingEpochs);
        if (p.alphaWad > WAD) revert AlphaTooLarge(p.alphaWad);
        if (count == 0) return 0;
        uint256 h = p.halfLifeEpochs;
        uint256 dFrom = _decay(fromEpoch * WAD, h);
        uint256 dEnd = _decay((fromEpoch + count) * WAD, h);
        uint256 ratio = _decay(WAD, h); // 2^(-1/H) < 1e18 for every H >= 1 (H = 1 gives 0.5e18)
        // ratio is rounded down, so the denominator rounds up and the sum rounds down.
        uint256 numerator = FixedPointMathLib.fullMulDiv(p.alphaWad, dFrom - dEnd, WAD);
        return FixedPointMathLib.fullMulDiv(p.e0, numerator, WAD - ratio);
    }

    /// @dev 2^(-xWad/h) in WAD; arguments beyond the exp2 floor give 0.
    function _decay(uint256 xWad, uint256 h) private pure returns (uint256) {
        uint256 e = xWad / h;
        if (e > MIN_EXP2_UWAD) return 0;
        // casting to 'int256' is safe because e <= 64e18
        // forge-lint: disable-next-line(unsafe-typecast)
        return exp2(-int256(e));
    }
}
