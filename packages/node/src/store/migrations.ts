/**
 * Schema history of the node database. Entry `i` takes the schema from version `i` to `i + 1`
 * (`PRAGMA user_version`). Append only: a released migration is never edited, because nodes in the
 * field have already run it.
 */
export const migrations: readonly string[] = [
  // 1: cursors, recent block hashes and delivered logs for chain sync; the tx journal; batch work state.
  `
  CREATE TABLE kv (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE sync_blocks (
    stream       TEXT NOT NULL,
    block_number INTEGER NOT NULL,
    block_hash   TEXT NOT NULL,
    PRIMARY KEY (stream, block_number)
  ) STRICT;

  CREATE TABLE sync_logs (
    stream       TEXT NOT NULL,
    block_number INTEGER NOT NULL,
    block_hash   TEXT NOT NULL,
    log_index    INTEGER NOT NULL,
    tx_hash      TEXT NOT NULL,
    address      TEXT NOT NULL,
    topics       TEXT NOT NULL,
    data         TEXT NOT NULL,
    PRIMARY KEY (stream, block_number, log_index)
  ) STRICT;

  CREATE TABLE intents (
    id           TEXT PRIMARY KEY,
    account      TEXT NOT NULL,
    chain_id     INTEGER NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'mined', 'failed')),
    nonce        INTEGER NOT NULL,
    request      TEXT NOT NULL,
    raw_tx       TEXT NOT NULL,
    tx_hash      TEXT NOT NULL,
    tx_hashes    TEXT NOT NULL,
    sent_block   INTEGER,
    mined_block  INTEGER,
    error        TEXT,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX intents_open ON intents (account, status, nonce);

  CREATE TABLE work (
    job          TEXT NOT NULL,
    batch        INTEGER NOT NULL,
    attempt      INTEGER NOT NULL,
    role         TEXT NOT NULL,
    phase        TEXT NOT NULL,
    salt         TEXT,
    result_root  TEXT,
    result_blob  TEXT,
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (job, batch, attempt, role)
  ) STRICT;
  CREATE INDEX work_phase ON work (role, phase);
  `,
];
