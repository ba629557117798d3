import { describe, expect, it } from 'vitest';
import { lrAt, warmupStepsFor } from './lrSchedule.ts';

describe('lrAt', () => {
  const base = { baseLr: 1e-3, warmupSteps: 4, totalSteps: 14 };
  it('warms up linearly and never starts at zero', () => {
    // steps 1..4 of warmup: lr = base * k / 5, k = 1..4
    expect([1, 2, 3, 4].map((s) => lrAt({ ...base, kind: 'linear' }, s))).toEqual([2e-4, 4e-4, 6e-4, 8e-4].map((v) => expect.closeTo(v, 12)));
  });
  it('decays linearly to zero at the last step + 1', () => {
    // after warmup: t = step-1 >= 4, progress = (t-4)/10
    expect(lrAt({ ...base, kind: 'linear' }, 5)).toBeCloseTo(1e-3, 12);
    expect(lrAt({ ...base, kind: 'linear' }, 10)).toBeCloseTo(1e-3 * 0.5, 12);
    expect(lrAt({ ...base, kind: 'linear' }, 15)).toBeCloseTo(0, 12);
  });
  it('follows half a cosine', () => {
    // progress 0.5 -> 0.5 * (1 + cos(pi/2)) = 0.5
    expect(lrAt({ ...base, kind: 'cosine' }, 10)).toBeCloseTo(5e-4, 12);
    // progress 0.25 -> 0.5 * (1 + cos(pi/4)) = 0.853553...
    expect(lrAt({ ...base, kind: 'cosine' }, 7.5)).toBeCloseTo(1e-3 * 0.5 * (1 + Math.SQRT1_2), 12);
  });
  it('stays constant after warmup', () => {
    expect(lrAt({ ...base, kind: 'constant' }, 100)).toBe(1e-3);
  });
  it('derives warmup steps from a ratio unless given', () => {
    expect(warmupStepsFor(100, undefined, 0.06)).toBe(6);
    expect(warmupStepsFor(100, 10, 0.06)).toBe(10);
  });
});
