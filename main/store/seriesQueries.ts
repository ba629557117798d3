// One run's curves, system samples and log, downsampled for drawing.
import type Database from 'better-sqlite3';
import { minMaxIndices } from '../../common/downsample.ts';
import type { LogLine, RunId, Series, SystemSample } from '../../common/runs.ts';
import { metricNameId, seriesName } from './metricsRepo.ts';
import { nanFromNull } from './rows.ts';
import { stmt } from './statements.ts';

export const DEFAULT_MAX_POINTS = 2000;

/** Names ("train/loss", …) of the series a run has, in name order. */
export function listSeriesNames(db: Database.Database, runId: RunId): string[] {
  const rows = stmt(
    db,
    `SELECT n.split AS split, n.name AS name FROM metric_names n
     WHERE EXISTS (SELECT 1 FROM metrics m WHERE m.run_id = ? AND m.name_id = n.id) ORDER BY n.split, n.name`,
  ).all(runId) as { split: string; name: string }[];
  return rows.map((r) => seriesName(r.split, r.name));
}

function nameId(db: Database.Database, series: string): number | undefined {
  const slash = series.indexOf('/');
  return slash < 0 ? undefined : metricNameId(db, series.slice(0, slash), series.slice(slash + 1));
}

/**
 * Curves of a run (all of them, or those named), each downsampled to at most maxPoints with min/max
 * buckets (first, last and extremes kept). Unknown names are skipped.
 */
export function getSeries(db: Database.Database, runId: RunId, names?: readonly string[], maxPoints: number = DEFAULT_MAX_POINTS): Series[] {
  const wanted = names?.length ? names : listSeriesNames(db, runId);
  const out: Series[] = [];
  const read = stmt(db, 'SELECT step, value FROM metrics WHERE run_id = ? AND name_id = ? ORDER BY step').raw(true);
  for (const name of wanted) {
    const id = nameId(db, name);
    if (id === undefined) continue;
    const rows = read.all(runId, id) as [number, number | null][];
    if (!rows.length) continue;
    const y = rows.map((r) => nanFromNull(r[1]));
    const idx = minMaxIndices(y, maxPoints);
    out.push({ runId, name, x: idx.map((i) => rows[i][0]), y: idx.map((i) => y[i]) });
  }
  return out;
}

interface SampleRow {
  time: number;
  step: number | null;
  gpu_used_bytes: number | null;
  gpu_total_bytes: number | null;
  gpu_util_percent: number | null;
  gpu_temperature_c: number | null;
  rss_bytes: number;
  tensor_bytes: number;
}

/** System samples; when there are more than maxPoints, each bucket keeps its highest-memory sample (peaks matter). */
export function getSystemSamples(db: Database.Database, runId: RunId, maxPoints: number = DEFAULT_MAX_POINTS): SystemSample[] {
  const rows = stmt(db, 'SELECT * FROM system_samples WHERE run_id = ? ORDER BY time, id').all(runId) as SampleRow[];
  const toSample = (r: SampleRow): SystemSample => ({
    time: r.time,
    step: r.step,
    gpuUsedBytes: r.gpu_used_bytes,
    gpuTotalBytes: r.gpu_total_bytes,
    gpuUtilPercent: r.gpu_util_percent,
    gpuTemperatureC: r.gpu_temperature_c,
    rssBytes: r.rss_bytes,
    tensorBytes: r.tensor_bytes,
  });
  const cap = Math.max(1, Math.floor(maxPoints));
  if (rows.length <= cap) return rows.map(toSample);
  const out: SystemSample[] = [];
  for (let b = 0; b < cap; b++) {
    const start = Math.floor((b * rows.length) / cap);
    const end = Math.floor(((b + 1) * rows.length) / cap);
    let best = start;
    for (let i = start; i < end; i++) {
      const mem = rows[i].gpu_used_bytes ?? rows[i].tensor_bytes;
      if (mem > (rows[best].gpu_used_bytes ?? rows[best].tensor_bytes)) best = i;
    }
    out.push(toSample(rows[best]));
  }
  return out;
}

/** The run's log, oldest first; `tail` keeps only the last lines. */
export function getLog(db: Database.Database, runId: RunId, tail?: number): LogLine[] {
  const rows =
    tail === undefined
      ? stmt(db, 'SELECT time, level, message FROM log_lines WHERE run_id = ? ORDER BY id').all(runId)
      : stmt(db, 'SELECT * FROM (SELECT id, time, level, message FROM log_lines WHERE run_id = ? ORDER BY id DESC LIMIT ?) ORDER BY id').all(
          runId,
          Math.max(0, Math.floor(tail)),
        );
  return (rows as { time: number; level: LogLine['level']; message: string }[]).map((r) => ({ time: r.time, level: r.level, message: r.message }));
}
