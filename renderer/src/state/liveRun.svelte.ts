// One run's live state: detail, curves, system samples, log and progress, kept current by events.
// Subscribes before loading, then replays buffered events, so nothing between the two is lost.
import type { StudioClient } from '../../../common/api.ts';
import type { LogLine, Progress, RunDetail, RunEvent, RunId, SystemSample } from '../../../common/runs.ts';
import { CurveSet } from '../lib/curves.ts';

const MAX_LOG = 2000;

export class LiveRun {
  detail = $state.raw<RunDetail | null>(null);
  error = $state<unknown>(null);
  progress = $state.raw<Progress | null>(null);
  log = $state.raw<LogLine[]>([]);
  /** Bumped when curves or samples grew (their arrays are mutated in place for speed). */
  curvesVersion = $state(0);
  samplesVersion = $state(0);
  deleted = $state(false);
  readonly curves = new CurveSet();
  samples: SystemSample[] = [];

  private loaded = false;
  private buffered: RunEvent[] = [];

  constructor(
    private readonly client: StudioClient,
    readonly id: RunId,
  ) {}

  start(): () => void {
    const off = this.client.onEvents((events) => {
      const mine = events.filter((e) => ('runId' in e ? e.runId === this.id : e.run.id === this.id));
      if (!mine.length) return;
      if (this.loaded) this.apply(mine);
      else this.buffered.push(...mine);
    });
    void this.load();
    return off;
  }

  async load(): Promise<void> {
    try {
      const [detail, series, samples, log] = await Promise.all([
        this.client.getRun({ id: this.id }),
        this.client.getSeries({ id: this.id, maxPoints: 10_000 }),
        this.client.getSystemSamples({ id: this.id, maxPoints: 5000 }),
        this.client.getLog({ id: this.id, tail: 500 }),
      ]);
      this.detail = detail;
      this.curves.load(series);
      this.samples = samples.slice();
      this.log = log;
      this.loaded = true;
      this.error = null;
      const pending = this.buffered;
      this.buffered = [];
      if (pending.length) this.apply(pending);
      this.curvesVersion++;
      this.samplesVersion++;
    } catch (err) {
      this.error = err;
    }
  }

  async refreshDetail(): Promise<void> {
    try {
      this.detail = await this.client.getRun({ id: this.id });
    } catch (err) {
      if (!this.deleted) this.error = err;
    }
  }

  apply(events: RunEvent[]): void {
    let curves = false;
    let samples = false;
    let refresh = false;
    const lines: LogLine[] = [];
    for (const ev of events) {
      switch (ev.type) {
        case 'metrics':
          curves = this.curves.append(ev.points) || curves;
          break;
        case 'system': {
          const last = this.samples.length ? this.samples[this.samples.length - 1].time : -Infinity;
          for (const s of ev.samples) if (s.time > last) this.samples.push(s);
          samples = true;
          break;
        }
        case 'log': {
          const last = this.log.length ? this.log[this.log.length - 1].time : -Infinity;
          lines.push(...ev.lines.filter((l) => l.time >= last));
          break;
        }
        case 'progress':
          this.progress = ev.progress;
          if (this.detail) this.detail = { ...this.detail, step: ev.progress.step, totalSteps: ev.progress.totalSteps, epoch: ev.progress.epoch };
          break;
        case 'status':
          if (this.detail) this.detail = { ...this.detail, status: ev.status, error: ev.error };
          if (ev.status !== 'running') this.progress = null;
          refresh = true;
          break;
        case 'checkpoint':
          if (this.detail) this.detail = { ...this.detail, checkpoints: [...this.detail.checkpoints.filter((c) => c.id !== ev.checkpoint.id), ev.checkpoint] };
          break;
        case 'export':
          if (this.detail) this.detail = { ...this.detail, exports: [...this.detail.exports.filter((x) => x.id !== ev.export.id), ev.export] };
          break;
        case 'run-deleted':
          this.deleted = true;
          break;
        case 'run-created':
          break;
      }
    }
    if (lines.length) this.log = [...this.log, ...lines].slice(-MAX_LOG);
    if (curves) this.curvesVersion++;
    if (samples) this.samplesVersion++;
    if (refresh) void this.refreshDetail();
  }
}
