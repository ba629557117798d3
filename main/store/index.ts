// Public surface of the experiment store (the only module that imports better-sqlite3).
export { ExperimentStore } from './experimentStore.ts';
export { MetricWriter, type MetricWriterOptions } from './metricWriter.ts';
export { RunNotFoundError } from './errors.ts';
export { processAlive } from './processAlive.ts';
export { seriesName, SPARKLINE_POINTS, type ProgressUpdate, type Batch } from './metricsRepo.ts';
export { RunQuerySchema, InvalidQueryError, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type SearchMode } from './runQueries.ts';
export { DEFAULT_MAX_POINTS } from './seriesQueries.ts';
export { loadMigrations, migrate, MIGRATIONS_DIR, type Migration } from './migrate.ts';
export type { OpenOptions } from './openDatabase.ts';
export type { RecoverOptions } from './runRepo.ts';
export type { DeletedRunFiles, NewCheckpoint, NewExport, NewRun, RunPatch } from './types.ts';
