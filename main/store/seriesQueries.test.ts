import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MetricPoint, SystemSample } from '../../common/runs.ts';
import { ExperimentStore } from './experimentStore.ts';
import { testConfig } from './testing/fixtures.ts';

let store: ExperimentStore;
beforeEach(() => {
  store = ExperimentStore.open(':memory:');
});
afterEach(() => store.close());

const pt = (split: 'train' | 'eval', name: string, step: number, value: number): MetricPoint => ({ split, name, step, epoch: 0, value, time: step });
const sample = (time: number, tensorBytes: number, gpuUsedBytes: number | null = null): SystemSample => ({
  time, step: time, gpuUsedBytes, gpuTotalBytes: null, gpuUtilPercent: null, gpuTemperatureC: null, rssBytes: 1, tensorBytes,
});

describe('getSeries', () => {
  it('lists a run’s series and returns them whole when small', () => {
    const { id } = store.createRun({ config: testConfig() });
    const other = store.createRun({ config: testConfig() }).id;
    store.append(id, { points: [pt('train', 'loss', 1, 3), pt('train', 'loss', 2, 2), pt('eval', 'accuracy', 2, 0.5), pt('train', 'lr', 1, 1e-4)] });
    store.append(other, { points: [pt('eval', 'f1', 1, 0.1)] });
    expect(store.listSeriesNames(id)).toEqual(['eval/accuracy', 'train/loss', 'train/lr']);
    expect(store.getSeries(id, ['train/loss', 'eval/accuracy', 'eval/nope', 'bad'])).toEqual([
      { runId: id, name: 'train/loss', x: [1, 2], y: [3, 2] },
      { runId: id, name: 'eval/accuracy', x: [2], y: [0.5] },
    ]);
    expect(store.getSeries(id).map((s) => s.name)).toEqual(['eval/accuracy', 'train/loss', 'train/lr']);
  });

  it('downsamples long curves keeping first, last and extremes', () => {
    const { id } = store.createRun({ config: testConfig() });
    const points = Array.from({ length: 2000 }, (_, i) => pt('train', 'loss', i + 1, i === 999 ? 100 : i === 1500 ? -5 : 1 / (i + 1)));
    store.append(id, { points });
    const [s] = store.getSeries(id, ['train/loss'], 500);
    expect(s.x.length).toBeLessThanOrEqual(500);
    expect(s.x[0]).toBe(1);
    expect(s.x[s.x.length - 1]).toBe(2000);
    expect(s.x).toContain(1000);
    expect(s.x).toContain(1501);
    expect(s.y[s.x.indexOf(1000)]).toBe(100);
  });
});

describe('getSystemSamples and getLog', () => {
  it('keeps each bucket’s peak and returns the log tail in order', () => {
    const { id } = store.createRun({ config: testConfig() });
    // 10 samples into 5 buckets of 2: the larger of each pair survives
    const tensor = [1, 9, 3, 2, 7, 8, 4, 4, 0, 6];
    store.append(id, { samples: tensor.map((b, i) => sample(i, b)), lines: [1, 2, 3, 4].map((i) => ({ time: i, level: 'info' as const, message: `l${i}` })) });
    expect(store.getSystemSamples(id, 5).map((s) => s.tensorBytes)).toEqual([9, 3, 8, 4, 6]);
    expect(store.getSystemSamples(id).length).toBe(10);
    expect(store.getLog(id, 2).map((l) => l.message)).toEqual(['l3', 'l4']);
    expect(store.getLog(id).map((l) => l.message)).toEqual(['l1', 'l2', 'l3', 'l4']);
  });
});

describe('compareRuns', () => {
  it('gives summaries, the loss and eval curves of each run, and only differing config paths', () => {
    const a = store.createRun({ config: testConfig({ name: 'a', optimizer: { name: 'adamw8bit' } }) }).id;
    const b = store.createRun({ config: testConfig({ name: 'b', optimizer: { name: 'adamw32bit', lr: 1e-4 } }) }).id;
    store.append(a, { points: [pt('train', 'loss', 1, 2), pt('train', 'lr', 1, 1), pt('eval', 'accuracy', 1, 0.4)] });
    store.append(b, { points: [pt('train', 'loss', 1, 3)] });
    const c = store.compareRuns([b, a]);
    expect(c.runs.map((r) => r.name)).toEqual(['b', 'a']);
    expect(c.series.map((s) => [s.runId, s.name])).toEqual([
      [b, 'train/loss'],
      [a, 'eval/accuracy'],
      [a, 'train/loss'],
    ]);
    expect(c.configDiff).toEqual([
      { path: 'name', values: ['b', 'a'] },
      { path: 'optimizer.name', values: ['adamw32bit', 'adamw8bit'] },
      { path: 'optimizer.lr', values: [1e-4, 5e-5] },
    ]);
    expect(store.compareRuns([a, b], ['train/lr']).series.map((s) => s.name)).toEqual(['train/lr']);
    expect(() => store.compareRuns([a, 999])).toThrow(/run 999/);
  });
});
