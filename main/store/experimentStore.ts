// The experiment store: one object per process over one SQLite file. Every method is synchronous
// (better-sqlite3) and short; the trainer writes through a MetricWriter, the run manager and the
// server read pages and curves. Several processes may open the same file (WAL).
import type Database from 'better-sqlite3';
import type {
  CheckpointInfo, Comparison, ExportInfo, LogLine, MetricPoint, MetricValue, Page, RunDetail, RunId, RunQuery, RunSummary, Series, SystemSample,
} from '../../common/runs.ts';
import * as artifacts from './artifacts.ts';
import { compareRuns } from './compare.ts';
import { writeBatch, type ProgressUpdate } from './metricsRepo.ts';
import { MetricWriter, type MetricWriterOptions } from './metricWriter.ts';
import { openDatabase, type OpenOptions } from './openDatabase.ts';
import { processAlive } from './processAlive.ts';
import * as runs from './runRepo.ts';
import { listRuns, type SearchMode } from './runQueries.ts';
import { getLog, getSeries, getSystemSamples, listSeriesNames } from './seriesQueries.ts';
import type { DeletedRunFiles, NewCheckpoint, NewExport, NewRun, RunPatch } from './types.ts';

export class ExperimentStore {
  private constructor(
    /** The connection, for tests and maintenance scripts inside main/store. */
    readonly db: Database.Database,
    readonly path: string,
  ) {}

  /** Opens (creating and migrating as needed) the database at `path` (":memory:" for tests). */
  static open(path: string, opts: OpenOptions = {}): ExperimentStore {
    return new ExperimentStore(openDatabase(path, opts), path);
  }

  /** SQLite's integrity check plus foreign keys: "ok" when the file is sound. */
  integrityCheck(): string {
    const integrity = this.db.pragma('integrity_check', { simple: true }) as string;
    const fk = this.db.pragma('foreign_key_check') as unknown[];
    return integrity === 'ok' && fk.length === 0 ? 'ok' : `${integrity}; ${fk.length} foreign key violation(s)`;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  // runs
  createRun(input: NewRun): RunSummary {
    return runs.getSummary(this.db, runs.createRun(this.db, input));
  }
  getRun(id: RunId): RunDetail {
    return runs.getDetail(this.db, id);
  }
  getSummary(id: RunId): RunSummary {
    return runs.getSummary(this.db, id);
  }
  updateRun(id: RunId, patch: RunPatch): RunSummary {
    runs.updateRun(this.db, id, patch);
    return runs.getSummary(this.db, id);
  }
  deleteRun(id: RunId): DeletedRunFiles {
    return runs.deleteRun(this.db, id);
  }
  setTags(id: RunId, tags: readonly string[]): RunSummary {
    runs.setTags(this.db, id, tags);
    return runs.getSummary(this.db, id);
  }
  setNotes(id: RunId, notes: string): RunSummary {
    runs.setNotes(this.db, id, notes);
    return runs.getSummary(this.db, id);
  }
  listTags(): { name: string; count: number }[] {
    return runs.listTags(this.db);
  }
  offerBestMetric(id: RunId, metric: MetricValue, higherIsBetter: boolean): boolean {
    return runs.offerBestMetric(this.db, id, metric, higherIsBetter);
  }
  /** Marks running/stopping runs whose process is gone as crashed; returns their ids. */
  recoverCrashedRuns(isAlive: (pid: number) => boolean = processAlive, opts?: runs.RecoverOptions): RunId[] {
    return runs.recoverCrashedRuns(this.db, isAlive, opts);
  }

  // checkpoints and exports
  addCheckpoint(runId: RunId, cp: NewCheckpoint): CheckpointInfo {
    return artifacts.addCheckpoint(this.db, runId, cp);
  }
  removeCheckpoint(checkpointId: number): boolean {
    return artifacts.removeCheckpoint(this.db, checkpointId);
  }
  listCheckpoints(runId: RunId): CheckpointInfo[] {
    return artifacts.listCheckpoints(this.db, runId);
  }
  lastCheckpoint(runId: RunId): CheckpointInfo | null {
    return artifacts.lastCheckpoint(this.db, runId);
  }
  bestCheckpoint(runId: RunId): CheckpointInfo | null {
    return artifacts.bestCheckpoint(this.db, runId);
  }
  addExport(runId: RunId, e: NewExport): ExportInfo {
    return artifacts.addExport(this.db, runId, e);
  }

  // metrics, samples, log
  /** A buffered writer for one run (the trainer's hot path). Close it when the run ends. */
  metricWriter(runId: RunId, opts?: MetricWriterOptions): MetricWriter {
    return new MetricWriter(this.db, runId, opts);
  }
  /** Unbuffered: writes these now, in one transaction. */
  append(
    runId: RunId,
    items: { points?: MetricPoint[]; samples?: SystemSample[]; lines?: LogLine[]; progress?: ProgressUpdate; refreshSparkline?: boolean },
  ): void {
    writeBatch(this.db, runId, { points: items.points ?? [], samples: items.samples ?? [], lines: items.lines ?? [], progress: items.progress, refreshSparkline: items.refreshSparkline });
  }

  // queries
  listRuns(query: RunQuery, opts?: { searchMode?: SearchMode }): Page<RunSummary> {
    return listRuns(this.db, query, opts);
  }
  listSeriesNames(runId: RunId): string[] {
    return listSeriesNames(this.db, runId);
  }
  getSeries(runId: RunId, names?: readonly string[], maxPoints?: number): Series[] {
    return getSeries(this.db, runId, names, maxPoints);
  }
  getSystemSamples(runId: RunId, maxPoints?: number): SystemSample[] {
    return getSystemSamples(this.db, runId, maxPoints);
  }
  getLog(runId: RunId, tail?: number): LogLine[] {
    return getLog(this.db, runId, tail);
  }
  compareRuns(ids: readonly RunId[], names?: readonly string[], maxPoints?: number): Comparison {
    return compareRuns(this.db, ids, names, maxPoints);
  }
}
