import { describe, expect, it } from 'vitest';
import { averageRanks, pearson, spearman } from './correlation.ts';

describe('pearson', () => {
  it('matches a hand computation', () => {
    // x = 1..5 (mean 3), y = 2 4 5 4 5 (mean 4); dx = -2 -1 0 1 2, dy = -2 0 1 0 1
    // Σdxdy = 4 + 0 + 0 + 0 + 2 = 6, Σdx² = 10, Σdy² = 6  ->  r = 6 / sqrt(60)
    expect(pearson([1, 2, 3, 4, 5], [2, 4, 5, 4, 5])).toBeCloseTo(6 / Math.sqrt(60), 14);
    expect(pearson([1, 2, 3], [6, 4, 2])).toBeCloseTo(-1, 14);
  });

  it('is NaN when a side is constant or there are fewer than 2 points', () => {
    expect(pearson([1, 1, 1], [1, 2, 3])).toBeNaN();
    expect(pearson([1], [1])).toBeNaN();
  });
});

describe('spearman', () => {
  it('gives tied values their average rank', () => {
    // 2 4 5 4 5: sorted 2 | 4 4 | 5 5 -> ranks 1 | 2.5 2.5 | 4.5 4.5
    expect(averageRanks([2, 4, 5, 4, 5])).toEqual([1, 2.5, 4.5, 2.5, 4.5]);
  });

  it('is Pearson on average ranks', () => {
    // ranks x = 1..5 (mean 3); ranks y = 1 2.5 4.5 2.5 4.5 (mean 3) -> dy = -2 -0.5 1.5 -0.5 1.5
    // Σdxdy = 4 + 0.5 + 0 - 0.5 + 3 = 7; Σdx² = 10; Σdy² = 4 + 0.25 + 2.25 + 0.25 + 2.25 = 9 -> rho = 7/sqrt(90)
    expect(spearman([1, 2, 3, 4, 5], [2, 4, 5, 4, 5])).toBeCloseTo(7 / Math.sqrt(90), 14);
  });

  it('equals 1 − 6Σd²/(n(n²−1)) without ties', () => {
    // y = 5 6 7 8 7.5 -> ranks 1 2 3 5 4; d = 0 0 0 -1 1; Σd² = 2 -> 1 - 12/120 = 0.9
    expect(spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7.5])).toBeCloseTo(0.9, 14);
  });
});
