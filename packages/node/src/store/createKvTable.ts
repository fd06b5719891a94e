import type { Database } from "better-sqlite3";

export type KvTable = {
  get: <T = unknown>(key: string) => T | undefined;
  /** Stores any JSON value; bigints are written as decimal strings. */
  set: (key: string, value: unknown) => void;
  delete: (key: string) => void;
};

/** Small JSON values by key (cursors, flags). Writes join the caller's transaction when one is open. */
export function createKvTable(db: Database): KvTable {
  const get = db.prepare<[string], { value: string }>("SELECT value FROM kv WHERE key = ?");
  const set = db.prepare<[string, string, number]>(
    "INSERT INTO kv (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
  );
  const del = db.prepare<[string]>("DELETE FROM kv WHERE key = ?");
  return {
    get: <T>(key: string) => {
      const row = get.get(key);
      return row === undefined ? undefined : (JSON.parse(row.value) as T);
    },
    set: (key, value) => {
      set.run(
        key,
        JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v)),
        Date.now(),
      );
    },
    delete: (key) => {
      del.run(key);
    },
  };
}
