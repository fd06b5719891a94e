import type { Database } from "better-sqlite3";
import type { Hex } from "viem";

export type WorkRole = "miner" | "auditor";

/** Where one attempt at one batch stands for one role; the miner and auditor state machines own `phase`. */
export type Work = {
  job: bigint;
  batch: number;
  attempt: number;
  role: WorkRole;
  phase: string;
  salt: Hex | undefined;
  resultRoot: Hex | undefined;
  /** sha256 of the result blob in the blob store. */
  resultBlob: string | undefined;
  updatedAt: number;
};

export type WorkKey = Pick<Work, "job" | "batch" | "attempt" | "role">;

export type WorkTable = {
  get: (key: WorkKey) => Work | undefined;
  /** Inserts or replaces the whole row. */
  put: (work: Omit<Work, "updatedAt">) => void;
  /** All rows of `role` in one of `phases`, oldest first (what a state machine resumes after a restart). */
  listByPhase: (role: WorkRole, phases: readonly string[]) => Work[];
  delete: (key: WorkKey) => void;
};

type Row = {
  job: string;
  batch: number;
  attempt: number;
  role: WorkRole;
  phase: string;
  salt: string | null;
  result_root: string | null;
  result_blob: string | null;
  updated_at: number;
};

function fromRow(r: Row): Work {
  return {
    job: BigInt(r.job),
    batch: r.batch,
    attempt: r.attempt,
    role: r.role,
    phase: r.phase,
    salt: (r.salt ?? undefined) as Hex | undefined,
    resultRoot: (r.result_root ?? undefined) as Hex | undefined,
    resultBlob: r.result_blob ?? undefined,
    updatedAt: r.updated_at,
  };
}

/** Per-batch work state of the miner and auditor roles (job ids are uint256, stored as decimal text). */
export function createWorkTable(db: Database): WorkTable {
  const get = db.prepare<[string, number, number, string], Row>(
    "SELECT * FROM work WHERE job = ? AND batch = ? AND attempt = ? AND role = ?",
  );
  const put = db.prepare(
    `INSERT INTO work (job, batch, attempt, role, phase, salt, result_root, result_blob, updated_at)
     VALUES (@job, @batch, @attempt, @role, @phase, @salt, @resultRoot, @resultBlob, @updatedAt)
     ON CONFLICT (job, batch, attempt, role) DO UPDATE SET phase = excluded.phase, salt = excluded.salt,
       result_root = excluded.result_root, result_blob = excluded.result_blob, updated_at = excluded.updated_at`,
  );
  const del = db.prepare<[string, number, number, string]>(
    "DELETE FROM work WHERE job = ? AND batch = ? AND attempt = ? AND role = ?",
  );
  return {
    get: (k) => {
      const row = get.get(k.job.toString(), k.batch, k.attempt, k.role);
      return row === undefined ? undefined : fromRow(row);
    },
    put: (w) => {
      put.run({
        job: w.job.toString(),
        batch: w.batch,
        attempt: w.attempt,
        role: w.role,
        phase: w.phase,
        salt: w.salt ?? null,
        resultRoot: w.resultRoot ?? null,
        resultBlob: w.resultBlob ?? null,
        updatedAt: Date.now(),
      });
    },
    listByPhase: (role, phases) => {
      if (phases.length === 0) return [];
      const marks = phases.map(() => "?").join(", ");
      const rows = db
        .prepare<unknown[], Row>(
          `SELECT * FROM work WHERE role = ? AND phase IN (${marks}) ORDER BY updated_at, job, batch`,
        )
        .all(role, ...phases);
      return rows.map(fromRow);
    },
    delete: (k) => {
      del.run(k.job.toString(), k.batch, k.attempt, k.role);
    },
  };
}
