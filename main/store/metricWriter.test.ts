import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MetricPoint } from '../../common/runs.ts';
import { ExperimentStore } from './experimentStore.ts';
import type { Batch } from './metricsRepo.ts';
import { testConfig } from './testing/fixtures.ts';

let store: ExperimentStore;
let runId: number;
beforeEach(() => {
  store = ExperimentStore.open(':memory:');
  runId = store.createRun({ config: testConfig() }).id;
});
afterEach(() => {
  vi.useRealTimers();
  store.close();
});

const loss = (step: number, value: number): MetricPoint => ({ step, epoch: step / 100, split: 'train', name: 'loss', value, time: 1000 + step });
const count = (table: string): number => (store.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

describe('MetricWriter', () => {
  it('buffers until maxItems, then writes everything in one flush', () => {
    const flushed: Batch[] = [];
    const w = store.metricWriter(runId, { maxItems: 5, flushMs: 0, onFlush: (b) => flushed.push(b) });
    for (let s = 1; s <= 4; s++) w.metric(loss(s, 1 / s));
    expect(count('metrics')).toBe(0);
    expect(w.pending).toBe(4);
    w.log('info', 'five', 5);
    expect(count('metrics')).toBe(4);
    expect(count('log_lines')).toBe(1);
    expect(w.pending).toBe(0);
    expect(flushed).toHaveLength(1);
    expect(flushed[0].points).toHaveLength(4);
    // progress followed the points
    expect(store.getSummary(runId)).toMatchObject({ step: 4, epoch: 0.04 });
    w.close();
  });

  it('flushes on its timer', () => {
    vi.useFakeTimers();
    const w = store.metricWriter(runId, { maxItems: 1000, flushMs: 200 });
    w.metric(loss(1, 2));
    w.system({ time: 1, step: 1, gpuUsedBytes: null, gpuTotalBytes: null, gpuUtilPercent: null, gpuTemperatureC: null, rssBytes: 10, tensorBytes: 700 });
    vi.advanceTimersByTime(199);
    expect(count('metrics')).toBe(0);
    vi.advanceTimersByTime(1);
    expect(count('metrics')).toBe(1);
    expect(count('system_samples')).toBe(1);
    expect(store.getSummary(runId).measuredPeakBytes).toBe(700);
    w.close();
  });

  it('writes explicit progress, keeps the larger peak, and refreshes the sparkline on close', () => {
    const w = store.metricWriter(runId, { flushMs: 0, sparklineEveryMs: 1e9 });
    for (let s = 1; s <= 64; s++) w.metric(loss(s, s <= 32 ? 2 : 1));
    w.system({ time: 1, step: 1, gpuUsedBytes: 5000, gpuTotalBytes: 8000, gpuUtilPercent: 50, gpuTemperatureC: 60, rssBytes: 1, tensorBytes: 1 });
    w.system({ time: 2, step: 2, gpuUsedBytes: 4000, gpuTotalBytes: 8000, gpuUtilPercent: 50, gpuTemperatureC: 60, rssBytes: 1, tensorBytes: 1 });
    w.progress({ step: 64, epoch: 1, totalSteps: 200, durationMs: 1234.4 });
    w.flush();
    // first flush refreshes the sparkline (none yet), then not again until close
    w.metric(loss(65, Number.NaN));
    w.flush();
    expect(store.getSummary(runId).lossSparkline).toHaveLength(32);
    w.close();
    const s = store.getSummary(runId);
    expect(s).toMatchObject({ step: 65, totalSteps: 200, durationMs: 1234, measuredPeakBytes: 5000 });
    // 65 steps (1..65) in 32 buckets: step s goes to bucket floor((s-1)*32/65), each bucket holds 2-3 steps.
    // Bucket 15 holds s-1 in [15*65/32, 16*65/32) = [30.47, 32.5) -> steps 32 (loss 2) and 33 (loss 1) -> 1.5.
    // Buckets 0..14 hold only steps <= 31 (loss 2); buckets 16..31 only steps >= 34 (loss 1); the last
    // bucket holds steps 64 and 65 -> avg(1, NaN stored as NULL) = 1 (avg skips NULL).
    expect(s.lossSparkline.slice(0, 15)).toEqual(Array(15).fill(2));
    expect(s.lossSparkline[15]).toBe(1.5);
    expect(s.lossSparkline.slice(16)).toEqual(Array(16).fill(1));
    expect(() => w.metric(loss(66, 1))).toThrow(/closed/);
  });

  it('stores NaN and replaces a re-logged step (resume from an earlier checkpoint)', () => {
    const w = store.metricWriter(runId, { flushMs: 0 });
    w.metric(loss(1, Number.NaN));
    w.metric(loss(2, 3));
    w.flush();
    w.metric(loss(2, 4));
    w.close();
    const [series] = store.getSeries(runId, ['train/loss']);
    expect(series.x).toEqual([1, 2]);
    expect(series.y[0]).toBeNaN();
    expect(series.y[1]).toBe(4);
  });

  it('keeps the buffer when a timed flush fails and reports the error on the next call', () => {
    vi.useFakeTimers();
    const w = store.metricWriter(runId, { flushMs: 10 });
    w.metric(loss(1, 1));
    store.db.exec('CREATE TRIGGER no_metrics BEFORE INSERT ON metrics BEGIN SELECT RAISE(ABORT, \'disk says no\'); END');
    vi.advanceTimersByTime(10);
    expect(() => w.metric(loss(2, 1))).toThrow(/disk says no/);
    store.db.exec('DROP TRIGGER no_metrics');
    w.metric(loss(2, 1));
    w.close();
    expect(count('metrics')).toBe(2);
  });

  it('hands timer errors to onError when given', () => {
    vi.useFakeTimers();
    const errors: unknown[] = [];
    const w = store.metricWriter(runId, { flushMs: 10, onError: (e) => errors.push(e) });
    w.metric({ ...loss(1, 1) });
    store.deleteRun(runId);
    vi.advanceTimersByTime(10);
    expect(String(errors[0])).toMatch(/does not exist/);
  });
});
