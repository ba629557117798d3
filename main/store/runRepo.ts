// Runs: create, read, update, delete, tags, notes, best metric and crash recovery.
import type Database from 'better-sqlite3';
import { basename } from 'node:path';
import { ACTIVE_STATUSES, type MetricValue, type RunDetail, type RunId, type RunSummary } from '../../common/runs.ts';
import { listCheckpoints, listExports } from './artifacts.ts';
import { RunNotFoundError } from './errors.ts';
import { SUMMARY_COLUMNS, toDetail, toSummary, type RunRow } from './rows.ts';
import { stmt } from './statements.ts';
import type { DeletedRunFiles, NewRun, RunPatch } from './types.ts';

export function createRun(db: Database.Database, input: NewRun): RunId {
  const c = input.config;
  return db.transaction(() => {
    const info = stmt(
      db,
      `INSERT INTO runs (name, status, config, model, model_type, dataset, task, optimizer, backend, device, created_at,
         total_steps, predicted_peak_bytes, resumed_from, notes)
       VALUES (@name, @status, @config, @model, @modelType, @dataset, @task, @optimizer, @backend, @device, @createdAt,
         @totalSteps, @predictedPeakBytes, @resumedFrom, @notes)`,
    ).run({
      name: input.name ?? c.name ?? '',
      status: input.status ?? 'created',
      config: JSON.stringify(c),
      model: input.model ?? c.model,
      modelType: input.modelType ?? null,
      dataset: input.dataset ?? c.dataset.train,
      task: input.task ?? c.task ?? null,
      optimizer: input.optimizer ?? c.optimizer.name,
      backend: input.backend ?? null,
      device: input.device ?? null,
      createdAt: input.createdAt ?? Date.now(),
      totalSteps: input.totalSteps ?? null,
      predictedPeakBytes: input.predictedPeakBytes ?? null,
      resumedFrom: input.resumedFrom ?? null,
      notes: input.notes ?? c.notes ?? '',
    });
    const id = Number(info.lastInsertRowid);
    if (!(input.name ?? c.name)) {
      const model = basename(input.model ?? c.model) || 'model';
      stmt(db, 'UPDATE runs SET name = ? WHERE id = ?').run(`${model}-${input.optimizer ?? c.optimizer.name}-${id}`, id);
    }
    const tags = input.tags ?? c.tags;
    if (tags.length) setTags(db, id, tags);
    return id;
  })();
}

export function getRunRow(db: Database.Database, id: RunId): RunRow | undefined {
  return stmt(db, 'SELECT * FROM runs WHERE id = ?').get(id) as RunRow | undefined;
}

export function runExists(db: Database.Database, id: RunId): boolean {
  return stmt(db, 'SELECT 1 FROM runs WHERE id = ?').get(id) !== undefined;
}

/** Tags of many runs at once (one query), in name order. */
export function tagsByRun(db: Database.Database, ids: readonly RunId[]): Map<RunId, string[]> {
  const out = new Map<RunId, string[]>(ids.map((id) => [id, []]));
  if (!ids.length) return out;
  const rows = stmt(
    db,
    `SELECT rt.run_id AS runId, t.name AS name FROM run_tags rt JOIN tags t ON t.id = rt.tag_id
     WHERE rt.run_id IN (SELECT value FROM json_each(?)) ORDER BY t.name COLLATE NOCASE`,
  ).all(JSON.stringify(ids)) as { runId: number; name: string }[];
  for (const r of rows) out.get(r.runId)?.push(r.name);
  return out;
}

/** Summaries of the given runs, in the order given (missing ids are skipped). */
export function getSummaries(db: Database.Database, ids: readonly RunId[]): RunSummary[] {
  if (!ids.length) return [];
  const rows = stmt(db, `SELECT ${SUMMARY_COLUMNS} FROM runs WHERE id IN (SELECT value FROM json_each(?))`).all(JSON.stringify(ids)) as RunRow[];
  const byId = new Map(rows.map((r) => [r.id, r]));
  const tags = tagsByRun(db, ids);
  const out: RunSummary[] = [];
  for (const id of ids) {
    const r = byId.get(id);
    if (r) out.push(toSummary(r, tags.get(id) ?? []));
  }
  return out;
}

export function getSummary(db: Database.Database, id: RunId): RunSummary {
  const [s] = getSummaries(db, [id]);
  if (!s) throw new RunNotFoundError(id);
  return s;
}

export function getDetail(db: Database.Database, id: RunId): RunDetail {
  const r = getRunRow(db, id);
  if (!r) throw new RunNotFoundError(id);
  return toDetail(r, tagsByRun(db, [id]).get(id) ?? [], listCheckpoints(db, id), listExports(db, id));
}

type Assign = [column: string, value: string | number | null];

function patchColumns(p: RunPatch): Assign[] {
  const out: Assign[] = [];
  const put = (col: string, v: string | number | null | undefined): void => {
    if (v !== undefined) out.push([col, v]);
  };
  put('name', p.name);
  put('status', p.status);
  put('started_at', p.startedAt);
  put('finished_at', p.finishedAt);
  put('duration_ms', p.durationMs === undefined ? undefined : Math.max(0, Math.round(p.durationMs)));
  put('step', p.step);
  put('total_steps', p.totalSteps);
  put('epoch', p.epoch);
  if (p.bestMetric !== undefined) {
    out.push(['best_metric_name', p.bestMetric?.name ?? null], ['best_metric_value', p.bestMetric?.value ?? null], ['best_metric_step', p.bestMetric?.step ?? null]);
  }
  put('final_metrics', p.finalMetrics === undefined ? undefined : JSON.stringify(p.finalMetrics));
  put('model_type', p.modelType);
  put('task', p.task);
  put('backend', p.backend);
  put('device', p.device);
  put('predicted_peak_bytes', p.predictedPeakBytes);
  put('measured_peak_bytes', p.measuredPeakBytes);
  put('error', p.error);
  put('pid', p.pid);
  put('heartbeat_at', p.heartbeatAt);
  put('samples', p.samples === undefined ? undefined : JSON.stringify(p.samples));
  return out;
}

export function updateRun(db: Database.Database, id: RunId, patch: RunPatch): void {
  const cols = patchColumns(patch);
  if (!cols.length) {
    if (!runExists(db, id)) throw new RunNotFoundError(id);
    return;
  }
  const sql = `UPDATE runs SET ${cols.map(([c]) => `${c} = ?`).join(', ')} WHERE id = ?`;
  const info = stmt(db, sql).run(...cols.map(([, v]) => v), id);
  if (info.changes === 0) throw new RunNotFoundError(id);
}

export function setNotes(db: Database.Database, id: RunId, notes: string): void {
  if (stmt(db, 'UPDATE runs SET notes = ? WHERE id = ?').run(notes, id).changes === 0) throw new RunNotFoundError(id);
}

/** Trims, drops empties and case-insensitive duplicates (first spelling wins). */
export function normalizeTags(tags: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const t of tags) {
    const v = t.trim();
    if (!v || seen.has(v.toLowerCase())) continue;
    seen.add(v.toLowerCase());
    out.push(v);
  }
  return out;
}

/** Replaces the run's tags. */
export function setTags(db: Database.Database, id: RunId, tags: readonly string[]): void {
  db.transaction(() => {
    if (!runExists(db, id)) throw new RunNotFoundError(id);
    stmt(db, 'DELETE FROM run_tags WHERE run_id = ?').run(id);
    for (const t of normalizeTags(tags)) {
      stmt(db, 'INSERT INTO tags (name) VALUES (?) ON CONFLICT (name) DO NOTHING').run(t);
      const { id: tagId } = stmt(db, 'SELECT id FROM tags WHERE name = ?').get(t) as { id: number };
      stmt(db, 'INSERT OR IGNORE INTO run_tags (run_id, tag_id) VALUES (?, ?)').run(id, tagId);
    }
  })();
}

/** Every tag in use with its number of runs (for the filter menu). */
export function listTags(db: Database.Database): { name: string; count: number }[] {
  return stmt(
    db,
    `SELECT t.name AS name, count(*) AS count FROM tags t JOIN run_tags rt ON rt.tag_id = t.id GROUP BY t.id ORDER BY t.name COLLATE NOCASE`,
  ).all() as { name: string; count: number }[];
}

/**
 * Records `metric` as the run's best if it beats the current best (or there is none, or the best was of
 * another metric). Atomic, so two evaluations racing cannot lose the better one. NaN never wins.
 */
export function offerBestMetric(db: Database.Database, id: RunId, metric: MetricValue, higherIsBetter: boolean): boolean {
  if (Number.isNaN(metric.value)) return false;
  const info = stmt(
    db,
    `UPDATE runs SET best_metric_name = @name, best_metric_value = @value, best_metric_step = @step
     WHERE id = @id AND (best_metric_value IS NULL OR best_metric_name IS NOT @name
       OR (@higher = 1 AND @value > best_metric_value) OR (@higher = 0 AND @value < best_metric_value))`,
  ).run({ id, name: metric.name, value: metric.value, step: metric.step, higher: higherIsBetter ? 1 : 0 });
  if (info.changes === 0 && !runExists(db, id)) throw new RunNotFoundError(id);
  return info.changes > 0;
}

/** Deletes the run and (by cascade) its metrics, samples, log, checkpoints, exports and tag links. */
export function deleteRun(db: Database.Database, id: RunId): DeletedRunFiles {
  return db.transaction(() => {
    if (!runExists(db, id)) throw new RunNotFoundError(id);
    const checkpointPaths = (stmt(db, 'SELECT path FROM checkpoints WHERE run_id = ? ORDER BY step').all(id) as { path: string }[]).map((r) => r.path);
    const exportPaths = (stmt(db, 'SELECT path FROM exports WHERE run_id = ? ORDER BY id').all(id) as { path: string }[]).map((r) => r.path);
    stmt(db, 'DELETE FROM runs WHERE id = ?').run(id);
    stmt(db, 'DELETE FROM tags WHERE id NOT IN (SELECT tag_id FROM run_tags)').run();
    return { checkpointPaths, exportPaths };
  })();
}

export interface RecoverOptions {
  now?: number;
  /** Also treat a live pid as gone when its heartbeat is older than this (pid reuse after a reboot). */
  staleAfterMs?: number;
}

/**
 * Marks runs left `running`/`stopping` by a process that is gone as `crashed` (resumable from their
 * last checkpoint). Call at start-up, before starting new runs. Returns the ids it marked.
 */
export function recoverCrashedRuns(db: Database.Database, isAlive: (pid: number) => boolean, opts: RecoverOptions = {}): RunId[] {
  const now = opts.now ?? Date.now();
  const active = JSON.stringify(ACTIVE_STATUSES);
  const candidates = stmt(db, 'SELECT id, pid, heartbeat_at AS heartbeatAt FROM runs WHERE status IN (SELECT value FROM json_each(?))').all(active) as {
    id: number;
    pid: number | null;
    heartbeatAt: number | null;
  }[];
  const crashed: RunId[] = [];
  db.transaction(() => {
    for (const c of candidates) {
      const alive = c.pid !== null && isAlive(c.pid);
      const stale = opts.staleAfterMs !== undefined && c.heartbeatAt !== null && now - c.heartbeatAt > opts.staleAfterMs;
      if (alive && !stale) continue;
      const why =
        c.pid === null
          ? 'the trainer process never reported its pid'
          : alive
            ? `the trainer (pid ${c.pid}) stopped reporting ${Math.round((now - (c.heartbeatAt ?? now)) / 1000)} s ago`
            : `the trainer process (pid ${c.pid}) exited without finishing`;
      const info = stmt(
        db,
        `UPDATE runs SET status = 'crashed', error = coalesce(error, ?), finished_at = coalesce(heartbeat_at, ?), pid = NULL
         WHERE id = ? AND pid IS ? AND status IN (SELECT value FROM json_each(?))`,
      ).run(`${why}; resume it to continue from its last checkpoint`, now, c.id, c.pid, active);
      if (info.changes) crashed.push(c.id);
    }
  }).immediate();
  return crashed;
}
