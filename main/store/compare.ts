// Comparing runs: their summaries, the same curves of each, and a config diff of only what differs.
import type Database from 'better-sqlite3';
import { diffConfigs } from '../../common/configDiff.ts';
import type { Comparison, RunId } from '../../common/runs.ts';
import { RunNotFoundError } from './errors.ts';
import { getSummaries } from './runRepo.ts';
import { parseStoredConfig } from './rows.ts';
import { getSeries } from './seriesQueries.ts';
import { stmt } from './statements.ts';

/** Default curves when none are named: the training loss and every eval metric. */
const defaultSeries = (name: string): boolean => name === 'train/loss' || name.startsWith('eval/');

export function compareRuns(db: Database.Database, ids: readonly RunId[], names?: readonly string[], maxPoints = 500): Comparison {
  const runs = getSummaries(db, ids);
  const found = new Set(runs.map((r) => r.id));
  const missing = ids.find((id) => !found.has(id));
  if (missing !== undefined) throw new RunNotFoundError(missing);
  const configs = ids.map((id) => parseStoredConfig((stmt(db, 'SELECT config FROM runs WHERE id = ?').get(id) as { config: string }).config));
  const series = ids.flatMap((id) => {
    const all = getSeries(db, id, names, maxPoints);
    return names?.length ? all : all.filter((s) => defaultSeries(s.name));
  });
  return { runs, series, configDiff: diffConfigs(configs) };
}
