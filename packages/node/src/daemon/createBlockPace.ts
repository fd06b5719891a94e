/**
 * The chain's block interval as the node sees it: seconds between the oldest and newest of the last
 * views, over the blocks between them. Before two distinct blocks have been seen it says 1 s.
 */
export type BlockPace = {
  observe: (view: { head: bigint; now: bigint }) => void;
  blockSeconds: () => number;
};

export function createBlockPace(window = 32): BlockPace {
  const seen: { head: bigint; now: bigint }[] = [];
  return {
    observe: (view) => {
      const last = seen[seen.length - 1];
      if (last && view.head <= last.head) return;
      seen.push({ head: view.head, now: view.now });
      if (seen.length > window) seen.shift();
    },
    blockSeconds: () => {
      const first = seen[0];
      const last = seen[seen.length - 1];
      if (!first || !last || last.head === first.head) return 1;
      return Math.max(0, Number(last.now - first.now)) / Number(last.head - first.head);
    },
  };
}
