import type { Database } from "better-sqlite3";
import type { Hex } from "viem";

/** A log as chain sync keeps it: enough to hand back to a handler when its block is reorged away. */
export type StoredLog = {
  blockNumber: bigint;
  blockHash: Hex;
  logIndex: number;
  transactionHash: Hex;
  address: Hex;
  topics: Hex[];
  data: Hex;
};

export type SyncCursor = { blockNumber: bigint; blockHash: Hex };

export type SyncTable = {
  getCursor: (stream: string) => SyncCursor | undefined;
  setCursor: (stream: string, cursor: SyncCursor) => void;
  /** Remembers the canonical hash of a processed block, so a reorg can be walked back to its fork point. */
  putBlockHash: (stream: string, blockNumber: bigint, blockHash: Hex) => void;
  /** Stored hashes at or below `blockNumber`, newest first. */
  blockHashesAtOrBelow: (stream: string, blockNumber: bigint, limit: number) => SyncCursor[];
  putLogs: (stream: string, logs: readonly StoredLog[]) => void;
  /** Logs delivered in blocks above `blockNumber`, in chain order. */
  logsAbove: (stream: string, blockNumber: bigint) => StoredLog[];
  /** Forgets blocks and logs above `blockNumber` (after a reorg). */
  deleteAbove: (stream: string, blockNumber: bigint) => void;
  /** Forgets blocks and logs below `blockNumber` (too deep to be reorged). */
  pruneBelow: (stream: string, blockNumber: bigint) => void;
};

type LogRow = {
  block_number: number;
  block_hash: string;
  log_index: number;
  tx_hash: string;
  address: string;
  topics: string;
  data: string;
};

/** Chain-sync bookkeeping: cursor per stream, recent block hashes and recently delivered logs. */
export function createSyncTable(db: Database): SyncTable {
  const getCursor = db.prepare<[string], { value: string }>("SELECT value FROM kv WHERE key = ?");
  const setCursor = db.prepare<[string, string, number]>(
    "INSERT INTO kv (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
  );
  const putBlock = db.prepare<[string, number, string]>(
    "INSERT INTO sync_blocks (stream, block_number, block_hash) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET block_hash = excluded.block_hash",
  );
  const blocksBelow = db.prepare<[string, number, number], { block_number: number; block_hash: string }>(
    "SELECT block_number, block_hash FROM sync_blocks WHERE stream = ? AND block_number <= ? ORDER BY block_number DESC LIMIT ?",
  );
  const putLog = db.prepare<[string, number, string, number, string, string, string, string]>(
    "INSERT INTO sync_logs (stream, block_number, block_hash, log_index, tx_hash, address, topics, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
  );
  const logsAbove = db.prepare<[string, number], LogRow>(
    "SELECT * FROM sync_logs WHERE stream = ? AND block_number > ? ORDER BY block_number, log_index",
  );
  const deleteBlocksAbove = db.prepare<[string, number]>(
    "DELETE FROM sync_blocks WHERE stream = ? AND block_number > ?",
  );
  const deleteLogsAbove = db.prepare<[string, number]>("DELETE FROM sync_logs WHERE stream = ? AND block_number > ?");
  const pruneBlocks = db.prepare<[string, number]>("DELETE FROM sync_blocks WHERE stream = ? AND block_number < ?");
  const pruneLogs = db.prepare<[string, number]>("DELETE FROM sync_logs WHERE stream = ? AND block_number < ?");
  const key = (stream: string) => `sync:${stream}:cursor`;

  return {
    getCursor: (stream) => {
      const row = getCursor.get(key(stream));
      if (row === undefined) return undefined;
      const value = JSON.parse(row.value) as {
        blockNumber: string;
        blockHash: Hex;
      };
      return {
        blockNumber: BigInt(value.blockNumber),
        blockHash: value.blockHash,
      };
    },
    setCursor: (stream, cursor) => {
      const value = JSON.stringify({
        blockNumber: cursor.blockNumber.toString(),
        blockHash: cursor.blockHash,
      });
      setCursor.run(key(stream), value, Date.now());
    },
    putBlockHash: (stream, blockNumber, blockHash) => {
      putBlock.run(stream, Number(blockNumber), blockHash);
    },
    blockHashesAtOrBelow: (stream, blockNumber, limit) =>
      blocksBelow.all(stream, Number(blockNumber), limit).map((r) => ({
        blockNumber: BigInt(r.block_number),
        blockHash: r.block_hash as Hex,
      })),
    putLogs: (stream, logs) => {
      for (const l of logs) {
        putLog.run(
          stream,
          Number(l.blockNumber),
          l.blockHash,
          l.logIndex,
          l.transactionHash,
          l.address,
          JSON.stringify(l.topics),
          l.data,
        );
      }
    },
    logsAbove: (stream, blockNumber) =>
      logsAbove.all(stream, Number(blockNumber)).map((r) => ({
        blockNumber: BigInt(r.block_number),
        blockHash: r.block_hash as Hex,
        logIndex: r.log_index,
        transactionHash: r.tx_hash as Hex,
        address: r.address as Hex,
        topics: JSON.parse(r.topics) as Hex[],
        data: r.data as Hex,
      })),
    deleteAbove: (stream, blockNumber) => {
      deleteBlocksAbove.run(stream, Number(blockNumber));
      deleteLogsAbove.run(stream, Number(blockNumber));
    },
    pruneBelow: (stream, blockNumber) => {
      pruneBlocks.run(stream, Number(blockNumber));
      pruneLogs.run(stream, Number(blockNumber));
    },
  };
}
