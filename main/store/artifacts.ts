// Checkpoints and exports of a run, with their sizes; exactly one checkpoint per run may be the best.
import type Database from 'better-sqlite3';
import type { CheckpointInfo, ExportInfo, RunId } from '../../common/runs.ts';
import { RunNotFoundError } from './errors.ts';
import { toCheckpoint, toExport, type CheckpointRow, type ExportRow } from './rows.ts';
import { stmt } from './statements.ts';
import type { NewCheckpoint, NewExport } from './types.ts';

function assertRun(db: Database.Database, runId: RunId): void {
  if (stmt(db, 'SELECT 1 FROM runs WHERE id = ?').get(runId) === undefined) throw new RunNotFoundError(runId);
}

export function addCheckpoint(db: Database.Database, runId: RunId, cp: NewCheckpoint): CheckpointInfo {
  return db.transaction(() => {
    assertRun(db, runId);
    if (cp.isBest) stmt(db, 'UPDATE checkpoints SET is_best = 0 WHERE run_id = ? AND is_best = 1').run(runId);
    const info = stmt(
      db,
      `INSERT INTO checkpoints (run_id, step, epoch, path, size_bytes, metric_name, metric_value, is_best, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (run_id, path) DO UPDATE SET step = excluded.step, epoch = excluded.epoch, size_bytes = excluded.size_bytes,
         metric_name = excluded.metric_name, metric_value = excluded.metric_value, is_best = excluded.is_best, created_at = excluded.created_at
       RETURNING id`,
    ).get(runId, cp.step, cp.epoch, cp.path, cp.sizeBytes, cp.metric?.name ?? null, cp.metric?.value ?? null, cp.isBest ? 1 : 0, cp.createdAt ?? Date.now()) as {
      id: number;
    };
    return toCheckpoint(stmt(db, 'SELECT * FROM checkpoints WHERE id = ?').get(info.id) as CheckpointRow);
  })();
}

/** Removes a checkpoint's row (keep-last-N pruning); the caller deletes its files. */
export function removeCheckpoint(db: Database.Database, checkpointId: number): boolean {
  return stmt(db, 'DELETE FROM checkpoints WHERE id = ?').run(checkpointId).changes > 0;
}

export function listCheckpoints(db: Database.Database, runId: RunId): CheckpointInfo[] {
  return (stmt(db, 'SELECT * FROM checkpoints WHERE run_id = ? ORDER BY step, id').all(runId) as CheckpointRow[]).map(toCheckpoint);
}

/** The checkpoint a resume continues from: the one with the highest step. */
export function lastCheckpoint(db: Database.Database, runId: RunId): CheckpointInfo | null {
  const r = stmt(db, 'SELECT * FROM checkpoints WHERE run_id = ? ORDER BY step DESC, id DESC LIMIT 1').get(runId) as CheckpointRow | undefined;
  return r ? toCheckpoint(r) : null;
}

export function bestCheckpoint(db: Database.Database, runId: RunId): CheckpointInfo | null {
  const r = stmt(db, 'SELECT * FROM checkpoints WHERE run_id = ? AND is_best = 1').get(runId) as CheckpointRow | undefined;
  return r ? toCheckpoint(r) : null;
}

export function addExport(db: Database.Database, runId: RunId, e: NewExport): ExportInfo {
  return db.transaction(() => {
    assertRun(db, runId);
    const { id } = stmt(db, 'INSERT INTO exports (run_id, path, size_bytes, step, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id').get(
      runId,
      e.path,
      e.sizeBytes,
      e.step,
      e.createdAt ?? Date.now(),
    ) as { id: number };
    return toExport(stmt(db, 'SELECT * FROM exports WHERE id = ?').get(id) as ExportRow);
  })();
}

export function listExports(db: Database.Database, runId: RunId): ExportInfo[] {
  return (stmt(db, 'SELECT * FROM exports WHERE run_id = ? ORDER BY id').all(runId) as ExportRow[]).map(toExport);
}
