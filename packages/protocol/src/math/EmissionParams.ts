/** Mirror of `Emission.Params` (all bigint, WAD where noted). */
export type EmissionParams = {
  /** MAI-wei minted per epoch at the start of the full schedule. */
  e0: bigint;
  /** Share of the time-decayed part, WAD (<= 1e18). */
  alphaWad: bigint;
  /** H: epochs per halving. */
  halfLifeEpochs: bigint;
  /** Baseline weighted compute per epoch at theta = 0 (RewardWeight units). */
  d0: bigint;
  /** G: effective epochs per doubling of the baseline. */
  doublingEpochs: bigint;
};
