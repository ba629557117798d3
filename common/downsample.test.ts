import { describe, expect, it } from 'vitest';
import { downsampleMinMax, minMaxIndices } from './downsample.ts';

describe('minMaxIndices', () => {
  it('returns every index when the curve is short enough', () => {
    expect(minMaxIndices([3, 1, 2], 10)).toEqual([0, 1, 2]);
    expect(minMaxIndices([], 10)).toEqual([]);
  });

  it('keeps first, last and each bucket extreme, in order', () => {
    // 10 points, maxPoints 6 -> 2 buckets over the 8 inner points (indices 1..4 and 5..8).
    // bucket 1: values 5,9,0,4 at indices 1..4 -> min at 3 (0), max at 2 (9) -> [2, 3]
    // bucket 2: values 6,6,1,7 at 5..8 -> min at 7 (1), max at 8 (7) -> [7, 8]
    const y = [2, 5, 9, 0, 4, 6, 6, 1, 7, 3];
    expect(minMaxIndices(y, 6)).toEqual([0, 2, 3, 7, 8, 9]);
  });

  it('never returns more than maxPoints and always keeps the global extremes', () => {
    const y = Array.from({ length: 2000 }, (_, i) => Math.sin(i / 37) + (i === 1234 ? 50 : 0) - (i === 77 ? 40 : 0));
    for (const cap of [4, 5, 32, 500, 1999]) {
      const idx = minMaxIndices(y, cap);
      expect(idx.length).toBeLessThanOrEqual(cap);
      expect(idx[0]).toBe(0);
      expect(idx[idx.length - 1]).toBe(1999);
      expect(idx).toContain(1234);
      expect(idx).toContain(77);
      for (let i = 1; i < idx.length; i++) expect(idx[i]).toBeGreaterThan(idx[i - 1]);
    }
  });

  it('skips NaN when picking extremes unless a bucket is all NaN', () => {
    const y = [0, NaN, 5, NaN, NaN, NaN, 1];
    // maxPoints 4 -> 1 bucket over indices 1..5 -> min and max both index 2 (the only number)
    expect(minMaxIndices(y, 4)).toEqual([0, 2, 6]);
  });

  it('degrades to first and last for tiny budgets', () => {
    expect(minMaxIndices([1, 2, 3, 4, 5], 2)).toEqual([0, 4]);
    expect(minMaxIndices([1, 2, 3, 4, 5], 1)).toEqual([0]);
  });
});

describe('downsampleMinMax', () => {
  it('maps indices to x and y', () => {
    expect(downsampleMinMax([10, 20, 30, 40, 50, 60], [1, 9, 0, 0, 0, 1], 4)).toEqual({ x: [10, 20, 30, 60], y: [1, 9, 0, 1] });
  });
});
