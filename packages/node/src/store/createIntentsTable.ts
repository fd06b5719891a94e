import type { Database } from "better-sqlite3";
import type { Address, Hex } from "viem";

/**
 * `pending`: signed and journaled, maybe not broadcast yet; `sent`: broadcast at least once;
 * `mined`: a receipt with status success; `failed`: reverted or refused for good (never retried).
 */
export type IntentStatus = "pending" | "sent" | "mined" | "failed";

export type Intent = {
  /** The caller's idempotency key, e.g. `commit:<jobId>:<batch>:<attempt>`. */
  id: string;
  account: Address;
  chainId: number;
  status: IntentStatus;
  nonce: number;
  /** The caller's request as JSON (bigints as decimal strings), kept to re-sign a replacement. */
  request: string;
  /** The latest signed transaction for this intent (a replacement overwrites it). */
  rawTx: Hex;
  txHash: Hex;
  /** Every hash ever signed for this intent, oldest first: any of them may be the one mined. */
  txHashes: readonly Hex[];
  sentBlock: bigint | undefined;
  minedBlock: bigint | undefined;
  error: string | undefined;
  createdAt: number;
  updatedAt: number;
};

export type IntentsTable = {
  get: (id: string) => Intent | undefined;
  /** Fails (SQLite constraint) if the id exists: an intent is written once, then only updated. */
  insert: (intent: Omit<Intent, "createdAt" | "updatedAt">) => void;
  update: (id: string, patch: Partial<Omit<Intent, "id" | "createdAt" | "updatedAt">>) => void;
  /** Intents of `account` not yet mined or failed, lowest nonce first. */
  listOpen: (account: Address, chainId: number) => Intent[];
  /** Highest nonce any live (not failed) intent of `account` holds. */
  maxNonce: (account: Address, chainId: number) => number | undefined;
  /** Live (not failed) intents of `account` with `from <= nonce < below`, lowest nonce first. */
  listNonces: (account: Address, chainId: number, from: number, below: number) => Intent[];
};

type Row = {
  id: string;
  account: string;
  chain_id: number;
  status: IntentStatus;
  nonce: number;
  request: string;
  raw_tx: string;
  tx_hash: string;
  tx_hashes: string;
  sent_block: number | null;
  mined_block: number | null;
  error: string | null;
  created_at: number;
  updated_at: number;
};

const columns: Record<string, keyof Row> = {
  account: "account",
  chainId: "chain_id",
  status: "status",
  nonce: "nonce",
  request: "request",
  rawTx: "raw_tx",
  txHash: "tx_hash",
  txHashes: "tx_hashes",
  sentBlock: "sent_block",
  minedBlock: "mined_block",
  error: "error",
};

function toRow(key: string, value: unknown): unknown {
  if (value === undefined) return null;
  if (key === "txHashes") return JSON.stringify(value);
  if (typeof value === "bigint") return Number(value);
  return value;
}

function fromRow(r: Row): Intent {
  return {
    id: r.id,
    account: r.account as Address,
    chainId: r.chain_id,
    status: r.status,
    nonce: r.nonce,
    request: r.request,
    rawTx: r.raw_tx as Hex,
    txHash: r.tx_hash as Hex,
    txHashes: JSON.parse(r.tx_hashes) as Hex[],
    sentBlock: r.sent_block === null ? undefined : BigInt(r.sent_block),
    minedBlock: r.mined_block === null ? undefined : BigInt(r.mined_block),
    error: r.error ?? undefined,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** The transaction journal: one row per logical transaction, written before its first broadcast. */
export function createIntentsTable(db: Database): IntentsTable {
  const get = db.prepare<[string], Row>("SELECT * FROM intents WHERE id = ?");
  const insert = db.prepare(
    `INSERT INTO intents (id, account, chain_id, status, nonce, request, raw_tx, tx_hash, tx_hashes, sent_block, mined_block, error, created_at, updated_at)
     VALUES (@id, @account, @chain_id, @status, @nonce, @request, @raw_tx, @tx_hash, @tx_hashes, @sent_block, @mined_block, @error, @now, @now)`,
  );
  const listOpen = db.prepare<[string, number], Row>(
    "SELECT * FROM intents WHERE account = ? AND chain_id = ? AND status IN ('pending', 'sent') ORDER BY nonce",
  );
  const maxNonce = db.prepare<[string, number], { n: number | null }>(
    "SELECT MAX(nonce) AS n FROM intents WHERE account = ? AND chain_id = ? AND status != 'failed'",
  );
  const listNonces = db.prepare<[string, number, number, number], Row>(
    "SELECT * FROM intents WHERE account = ? AND chain_id = ? AND status != 'failed' AND nonce >= ? AND nonce < ? ORDER BY nonce",
  );
  const updates = new Map<string, ReturnType<Database["prepare"]>>();

  return {
    get: (id) => {
      const row = get.get(id);
      return row === undefined ? undefined : fromRow(row);
    },
    insert: (intent) => {
      const params: Record<string, unknown> = {
        id: intent.id,
        now: Date.now(),
      };
      for (const [key, column] of Object.entries(columns)) {
        params[column] = toRow(key, intent[key as keyof typeof intent]);
      }
      insert.run(params);
    },
    update: (id, patch) => {
      const keys = Object.keys(patch).filter((k) => k in columns);
      const signature = keys.join(",");
      let statement = updates.get(signature);
      if (statement === undefined) {
        const sets = keys.map((k) => `${columns[k]} = @${columns[k]}`).join(", ");
        statement = db.prepare(`UPDATE intents SET ${sets}${sets ? ", " : ""}updated_at = @now WHERE id = @id`);
        updates.set(signature, statement);
      }
      const params: Record<string, unknown> = { id, now: Date.now() };
      for (const key of keys) params[columns[key] as string] = toRow(key, patch[key as keyof typeof patch]);
      statement.run(params);
    },
    listOpen: (account, chainId) => listOpen.all(account, chainId).map(fromRow),
    maxNonce: (account, chainId) => maxNonce.get(account, chainId)?.n ?? undefined,
    listNonces: (account, chainId, from, below) => listNonces.all(account, chainId, from, below).map(fromRow),
  };
}
