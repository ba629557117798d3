import { describe, expect, it } from 'vitest';
import type { MetricPoint, RunSummary } from '../../../common/runs.ts';
import { curvesFor, epochMapper } from './compareView.ts';
import { CurveSet, metricNames } from './curves.ts';

const pt = (step: number, value: number, split: 'train' | 'eval' = 'train', name = 'loss'): MetricPoint => ({ step, epoch: 0, split, name, value, time: step });

describe('live curves', () => {
  it('appends new steps, replaces a repeated step, ignores older ones', () => {
    const c = new CurveSet();
    c.load([{ runId: 1, name: 'train/loss', x: [1, 2], y: [3, 2] }]);
    expect(c.append([pt(2, 1.5), pt(3, 1), pt(1, 9), pt(3, 0.5, 'eval', 'accuracy')])).toBe(true);
    expect(c.get('train/loss')).toEqual({ x: [1, 2, 3], y: [3, 1.5, 1] });
    expect(c.get('eval/accuracy')).toEqual({ x: [3], y: [0.5] });
    expect(metricNames(c.names())).toEqual(['eval/accuracy']);
  });
});

describe('compare x-axis', () => {
  const run = { id: 1, name: 'a', step: 30, epoch: 3 } as RunSummary;
  it('maps steps to epochs from the run’s own epoch series, else proportionally', () => {
    const fromSeries = epochMapper(run, { runId: 1, name: 'train/epoch', x: [0, 10, 20], y: [0, 1, 2] });
    expect(fromSeries?.(15)).toBeCloseTo(1.5);
    expect(fromSeries?.(30)).toBeCloseTo(3);
    expect(epochMapper(run, undefined)?.(20)).toBeCloseTo(2);
    expect(epochMapper({ ...run, step: 0 }, undefined)).toBeNull();
  });

  it('overlays one curve per run', () => {
    const series = [
      { runId: 1, name: 'train/loss', x: [10, 20], y: [1, 0.5] },
      { runId: 2, name: 'train/loss', x: [10], y: [2] },
    ];
    const curves = curvesFor('train/loss', [run, { ...run, id: 2, name: 'b' }], series, 'epoch');
    expect(curves.map((c) => c.label)).toEqual(['a (#1)', 'b (#2)']);
    expect(curves[0].x).toEqual([1, 2]);
  });
});
