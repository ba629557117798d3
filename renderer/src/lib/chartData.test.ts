import { describe, expect, it } from 'vitest';
import { alignCurves } from './chartData.ts';

describe('alignCurves', () => {
  it('joins curves with their own x onto one sorted x, with gaps, plus reference lines', () => {
    const data = alignCurves(
      [
        { label: 'train', x: [1, 2, 3], y: [3, 2, 1] },
        { label: 'eval', x: [2], y: [5] },
      ],
      [{ label: 'cap', value: 9 }],
    );
    expect(data[0]).toEqual([1, 2, 3]);
    expect(data[1]).toEqual([3, 2, 1]);
    expect(data[2][1]).toBe(5);
    expect(data[2][0] ?? null).toBeNull();
    expect(data[2][2] ?? null).toBeNull();
    expect(data[3]).toEqual([9, 9, 9]);
  });

  it('stays fast with 10k points per curve (three curves)', () => {
    const n = 10_000;
    const curve = (offset: number) => ({ label: `c${offset}`, x: Array.from({ length: n }, (_, i) => i * 3 + offset), y: Array.from({ length: n }, (_, i) => Math.sin(i)) });
    const t0 = performance.now();
    const data = alignCurves([curve(0), curve(1), curve(2)]);
    const ms = performance.now() - t0;
    expect(data[0]).toHaveLength(3 * n);
    expect(ms).toBeLessThan(250);
  });
});
