/** Positions to keep when deduplicating by content hash: the first occurrence of every hash, in order. */
export function dedupByHash(hashes: readonly string[]): number[] {
  const seen = new Set<string>();
  const kept: number[] = [];
  hashes.forEach((h, i) => {
    if (seen.has(h)) return;
    seen.add(h);
    kept.push(i);
  });
  return kept;
}
