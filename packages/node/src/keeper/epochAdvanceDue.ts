/**
 * Whether this keeper's turn to call `advanceEpoch` has come. Every keeper may advance an epoch, but
 * one call is enough (the others succeed as no-ops and pay gas for nothing), so each keeper waits its
 * own slot after the running epoch started: 0 to 3 steps by its address, a step being a tenth of an
 * epoch kept within 2 to 30 seconds. By the second slot the first keeper's call is usually mined and
 * the epoch no longer due.
 * @example
 * if (current > open && epochAdvanceDue({ now: view.now, current, genesisTime, epochLength, address })) advance();
 */
export function epochAdvanceDue(p: {
  /** Timestamp of the head block. */
  now: bigint;
  /** `RewardEngine.currentEpoch()`, the epoch running at `now`. */
  current: bigint;
  genesisTime: bigint;
  epochLength: bigint;
  address: `0x${string}`;
}): boolean {
  const tenth = p.epochLength / 10n;
  const step = tenth < 2n ? 2n : tenth > 30n ? 30n : tenth;
  const slot = BigInt(p.address) % 4n;
  return p.now >= p.genesisTime + p.current * p.epochLength + slot * step;
}
