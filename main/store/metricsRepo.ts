// Appending per-step metrics, system samples and log lines, one transaction per batch, and reading
// them back. A batch also moves the run's progress, heartbeat, measured peak and loss sparkline, so a
// process killed at any moment leaves a run whose `step` matches the metrics that made it to disk.
import type Database from 'better-sqlite3';
import type { LogLine, MetricPoint, RunId, SystemSample } from '../../common/runs.ts';
import { RunNotFoundError } from './errors.ts';
import { stmt } from './statements.ts';

/** A series' name as the API shows it: "<split>/<name>", e.g. "train/loss", "eval/accuracy". */
export const seriesName = (split: string, name: string): string => `${split}/${name}`;
export const LOSS_SERIES = { split: 'train', name: 'loss' } as const;
export const SPARKLINE_POINTS = 32;

export interface ProgressUpdate {
  step: number;
  epoch: number;
  totalSteps?: number | null;
  durationMs?: number;
}

export interface Batch {
  points: readonly MetricPoint[];
  samples: readonly SystemSample[];
  lines: readonly LogLine[];
  /** Explicit progress; without it the run's step moves to the largest step among the points. */
  progress?: ProgressUpdate;
  heartbeatAt?: number;
  refreshSparkline?: boolean;
}

const nameCache = new WeakMap<Database.Database, Map<string, number>>();

/** The id of a (split, name) pair, or undefined when no point of it was ever written. */
export function metricNameId(db: Database.Database, split: string, name: string): number | undefined {
  return (stmt(db, 'SELECT id FROM metric_names WHERE split = ? AND name = ?').get(split, name) as { id: number } | undefined)?.id;
}

/** Ids of (split, name) pairs, created on first use. Runs outside the batch transaction on purpose:
 * a name row without points is harmless, and the cache never holds an id a rollback took away. */
export function metricNameIds(db: Database.Database, pairs: Iterable<{ split: string; name: string }>): Map<string, number> {
  let cache = nameCache.get(db);
  if (!cache) {
    cache = new Map();
    nameCache.set(db, cache);
  }
  for (const { split, name } of pairs) {
    const key = seriesName(split, name);
    if (cache.has(key)) continue;
    stmt(db, 'INSERT INTO metric_names (split, name) VALUES (?, ?) ON CONFLICT (split, name) DO NOTHING').run(split, name);
    cache.set(key, metricNameId(db, split, name)!);
  }
  return cache;
}

/** Train loss averaged into SPARKLINE_POINTS buckets of steps (NaN buckets become null in JSON). */
export function refreshSparkline(db: Database.Database, runId: RunId): void {
  const nameId = metricNameId(db, LOSS_SERIES.split, LOSS_SERIES.name);
  if (nameId === undefined) return;
  const rows = stmt(
    db,
    `WITH s AS (SELECT step, value FROM metrics WHERE run_id = @runId AND name_id = @nameId),
          b AS (SELECT min(step) AS lo, max(step) AS hi FROM s)
     SELECT CAST(((s.step - b.lo) * @points) / (b.hi - b.lo + 1) AS INTEGER) AS k, avg(s.value) AS v FROM s, b GROUP BY k ORDER BY k`,
  ).all({ runId, nameId, points: SPARKLINE_POINTS }) as { v: number | null }[];
  stmt(db, 'UPDATE runs SET loss_sparkline = ? WHERE id = ?').run(JSON.stringify(rows.map((r) => r.v)), runId);
}

export function writeBatch(db: Database.Database, runId: RunId, batch: Batch): void {
  const ids = metricNameIds(db, batch.points);
  const insertPoint = stmt(db, 'INSERT OR REPLACE INTO metrics (run_id, name_id, step, epoch, value, time) VALUES (?, ?, ?, ?, ?, ?)');
  const insertSample = stmt(
    db,
    `INSERT INTO system_samples (run_id, time, step, gpu_used_bytes, gpu_total_bytes, gpu_util_percent, gpu_temperature_c, rss_bytes, tensor_bytes)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertLine = stmt(db, 'INSERT INTO log_lines (run_id, time, level, message) VALUES (?, ?, ?, ?)');
  db.transaction(() => {
    if (stmt(db, 'SELECT 1 FROM runs WHERE id = ?').get(runId) === undefined) throw new RunNotFoundError(runId);
    let maxStep = -1;
    let maxStepEpoch = 0;
    for (const p of batch.points) {
      insertPoint.run(runId, ids.get(seriesName(p.split, p.name)), p.step, p.epoch, Number.isNaN(p.value) ? null : p.value, Math.round(p.time));
      if (p.step > maxStep) {
        maxStep = p.step;
        maxStepEpoch = p.epoch;
      }
    }
    let peak = -1;
    for (const s of batch.samples) {
      insertSample.run(runId, Math.round(s.time), s.step, s.gpuUsedBytes, s.gpuTotalBytes, s.gpuUtilPercent, s.gpuTemperatureC, s.rssBytes, s.tensorBytes);
      peak = Math.max(peak, s.gpuUsedBytes ?? s.tensorBytes);
    }
    for (const l of batch.lines) insertLine.run(runId, Math.round(l.time), l.level, l.message);
    const now = batch.heartbeatAt ?? Date.now();
    if (batch.progress) {
      const pr = batch.progress;
      stmt(
        db,
        `UPDATE runs SET step = ?, epoch = ?, total_steps = coalesce(?, total_steps), duration_ms = coalesce(?, duration_ms), heartbeat_at = ? WHERE id = ?`,
      ).run(pr.step, pr.epoch, pr.totalSteps ?? null, pr.durationMs === undefined ? null : Math.max(0, Math.round(pr.durationMs)), now, runId);
    } else if (maxStep >= 0) {
      stmt(db, 'UPDATE runs SET step = max(step, @step), epoch = CASE WHEN @step >= step THEN @epoch ELSE epoch END, heartbeat_at = @now WHERE id = @id').run({
        step: maxStep,
        epoch: maxStepEpoch,
        now,
        id: runId,
      });
    } else {
      stmt(db, 'UPDATE runs SET heartbeat_at = ? WHERE id = ?').run(now, runId);
    }
    if (peak >= 0) stmt(db, 'UPDATE runs SET measured_peak_bytes = max(coalesce(measured_peak_bytes, 0), ?) WHERE id = ?').run(peak, runId);
    if (batch.refreshSparkline) refreshSparkline(db, runId);
  })();
}
