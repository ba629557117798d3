// Buffers a run's metric points, system samples and log lines and writes them in one transaction every
// `maxItems` items or `flushMs` milliseconds, and on close. The trainer logs every step; SQLite sees
// a commit a second. `onFlush` hands the same batch to the live-event stream.
import type Database from 'better-sqlite3';
import type { LogLine, MetricPoint, RunId, SystemSample } from '../../common/runs.ts';
import { LOSS_SERIES, writeBatch, type Batch, type ProgressUpdate } from './metricsRepo.ts';

export interface MetricWriterOptions {
  /** Flush when this many items are buffered (default 1000). */
  maxItems?: number;
  /** Flush this long after the first buffered item (default 1000 ms). */
  flushMs?: number;
  /** Recompute the run's loss sparkline at most this often (default 5000 ms) and on close. */
  sparklineEveryMs?: number;
  /** Called after each successful flush with what was written. */
  onFlush?: (batch: Readonly<Batch>) => void;
  /** Errors of timer-driven flushes; without it they are thrown from the next call. Items are kept and retried. */
  onError?: (err: unknown) => void;
  now?: () => number;
}

export class MetricWriter {
  private points: MetricPoint[] = [];
  private samples: SystemSample[] = [];
  private lines: LogLine[] = [];
  private progressUpdate: ProgressUpdate | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lossSinceSparkline = false;
  private lastSparkline = 0;
  private pendingError: unknown;
  private closed = false;
  private readonly maxItems: number;
  private readonly flushMs: number;
  private readonly sparklineEveryMs: number;
  private readonly now: () => number;

  constructor(
    private readonly db: Database.Database,
    readonly runId: RunId,
    private readonly opts: MetricWriterOptions = {},
  ) {
    this.maxItems = opts.maxItems ?? 1000;
    this.flushMs = opts.flushMs ?? 1000;
    this.sparklineEveryMs = opts.sparklineEveryMs ?? 5000;
    this.now = opts.now ?? Date.now;
  }

  get pending(): number {
    return this.points.length + this.samples.length + this.lines.length;
  }

  metric(p: MetricPoint): void {
    this.check();
    this.points.push(p);
    if (p.split === LOSS_SERIES.split && p.name === LOSS_SERIES.name) this.lossSinceSparkline = true;
    this.added();
  }

  metrics(ps: readonly MetricPoint[]): void {
    for (const p of ps) this.metric(p);
  }

  system(s: SystemSample): void {
    this.check();
    this.samples.push(s);
    this.added();
  }

  log(level: LogLine['level'], message: string, time: number = this.now()): void {
    this.check();
    this.lines.push({ time, level, message });
    this.added();
  }

  /** Sets the run's step/epoch (and optionally total steps, duration) written with the next flush. */
  progress(p: ProgressUpdate): void {
    this.check();
    this.progressUpdate = p;
    this.schedule();
  }

  /** Writes everything buffered now, in one transaction. */
  flush(final = false): void {
    this.clearTimer();
    if (this.pendingError !== undefined) {
      const err = this.pendingError;
      this.pendingError = undefined;
      throw err;
    }
    if (!this.pending && !this.progressUpdate && !(final && this.lossSinceSparkline)) return;
    const now = this.now();
    const sparkline = this.lossSinceSparkline && (final || now - this.lastSparkline >= this.sparklineEveryMs);
    const batch: Batch = {
      points: this.points,
      samples: this.samples,
      lines: this.lines,
      progress: this.progressUpdate,
      heartbeatAt: now,
      refreshSparkline: sparkline,
    };
    writeBatch(this.db, this.runId, batch); // throws: buffers stay for the next try
    this.points = [];
    this.samples = [];
    this.lines = [];
    this.progressUpdate = undefined;
    if (sparkline) {
      this.lossSinceSparkline = false;
      this.lastSparkline = now;
    }
    this.opts.onFlush?.(batch);
  }

  /** Flushes (refreshing the sparkline) and stops the timer; later writes throw. */
  close(): void {
    if (this.closed) return;
    this.flush(true);
    this.closed = true;
  }

  private check(): void {
    if (this.closed) throw new Error(`metric writer of run ${this.runId} is closed`);
    if (this.pendingError !== undefined) {
      const err = this.pendingError;
      this.pendingError = undefined;
      throw err;
    }
  }

  private added(): void {
    if (this.pending >= this.maxItems) this.flush();
    else this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.flushMs <= 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      try {
        this.flush();
      } catch (err) {
        if (this.opts.onError) this.opts.onError(err);
        else this.pendingError = err;
      }
    }, this.flushMs);
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
