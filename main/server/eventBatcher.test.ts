import { describe, expect, it, vi } from 'vitest';
import type { RunEvent } from '../../common/runs.ts';
import { coalesce, EventBatcher } from './eventBatcher.ts';

const progress = (runId: number, step: number): RunEvent => ({
  type: 'progress',
  runId,
  progress: { step, totalSteps: 10, epoch: 0, samplesPerSecond: null, etaMs: null },
});

describe('EventBatcher', () => {
  it('flushes once per interval, in order', () => {
    vi.useFakeTimers();
    try {
      const batches: RunEvent[][] = [];
      const b = new EventBatcher((e) => batches.push(e), 100);
      const log: RunEvent = { type: 'log', runId: 1, lines: [{ time: 1, level: 'info', message: 'a' }] };
      b.push([log]);
      b.push([{ type: 'run-deleted', runId: 2 }]);
      expect(batches).toHaveLength(0);
      vi.advanceTimersByTime(100);
      expect(batches).toEqual([[log, { type: 'run-deleted', runId: 2 }]]);
      vi.advanceTimersByTime(500);
      expect(batches).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('keeps only the latest progress of each run in a batch', () => {
    const out = coalesce([progress(1, 1), progress(2, 1), progress(1, 2), { type: 'run-deleted', runId: 3 }, progress(1, 3)]);
    expect(out).toEqual([progress(2, 1), { type: 'run-deleted', runId: 3 }, progress(1, 3)]);
  });
});
