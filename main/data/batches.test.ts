import { describe, expect, it } from 'vitest';
import { ShuffledBatches, sequentialBatches } from './batches.ts';

const take = (b: ShuffledBatches, n: number) => Array.from({ length: n }, () => b.next());

describe('ShuffledBatches', () => {
  it('covers every example once per epoch, in a new order each epoch', () => {
    const b = new ShuffledBatches(10, 4, { seed: 3 });
    expect(b.batchesPerEpoch).toBe(3);
    const e0 = take(b, 3);
    expect(e0.map((x) => x.indices.length)).toEqual([4, 4, 2]);
    expect(e0.map((x) => [x.epoch, x.batchInEpoch, x.lastInEpoch])).toEqual([
      [0, 0, false],
      [0, 1, false],
      [0, 2, true],
    ]);
    expect(e0.flatMap((x) => x.indices).sort((p, q) => p - q)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const e1 = take(b, 3);
    expect(e1[0].epoch).toBe(1);
    expect(e1.flatMap((x) => x.indices)).not.toEqual(e0.flatMap((x) => x.indices));
  });

  it('resumes from a saved position with exactly the batches an uninterrupted run sees', () => {
    const straight = new ShuffledBatches(23, 5, { seed: 9 });
    const all = take(straight, 17).map((x) => x.indices);
    for (const stopAfter of [0, 3, 4, 5, 11]) {
      const first = new ShuffledBatches(23, 5, { seed: 9 });
      const before = take(first, stopAfter).map((x) => x.indices);
      const saved = JSON.parse(JSON.stringify(first.position)); // through a checkpoint file
      const resumed = new ShuffledBatches(23, 5, { seed: 12345, position: saved }); // the seed no longer matters
      const after = take(resumed, 17 - stopAfter).map((x) => x.indices);
      expect([...before, ...after]).toEqual(all);
    }
  });

  it('refuses a position taken over other data and can drop a short last batch', () => {
    const p = new ShuffledBatches(10, 4, { seed: 1 }).position;
    expect(() => new ShuffledBatches(11, 4, { seed: 1, position: p })).toThrow(/10 examples in batches of 4, but now there are 11/);
    const d = new ShuffledBatches(10, 4, { seed: 1, dropLast: true });
    expect(take(d, 3).map((x) => [x.epoch, x.indices.length, x.lastInEpoch])).toEqual([
      [0, 4, false],
      [0, 4, true],
      [1, 4, false],
    ]);
  });

  it('keeps file order without shuffling; sequential batches for evaluation', () => {
    expect(take(new ShuffledBatches(5, 2, { seed: 1, shuffle: false }), 3).map((x) => x.indices)).toEqual([[0, 1], [2, 3], [4]]);
    expect(sequentialBatches(5, 2)).toEqual([[0, 1], [2, 3], [4]]);
  });
});
