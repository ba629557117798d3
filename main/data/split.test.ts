import { describe, expect, it } from 'vitest';
import { Rng } from './rng.ts';
import { limitExamples, splitExamples } from './split.ts';
import type { Example } from './types.ts';

const examples = (labels: number[]): Example[] => labels.map((label, i) => ({ line: i + 2, text: `t${i}`, label }));

describe('Rng', () => {
  it('is deterministic per seed and restores from its state', () => {
    const a = new Rng(7);
    const b = new Rng(7);
    const seq = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(seq);
    const saved = a.state;
    const next = [a.next(), a.int(10), a.nextUint32()];
    const c = new Rng(saved);
    expect([c.next(), c.int(10), c.nextUint32()]).toEqual(next);
    expect(new Rng(8).nextUint32()).not.toBe(seq[0]);
  });

  it('draws integers in range, roughly uniformly', () => {
    const r = new Rng(1);
    const counts = new Array(5).fill(0);
    for (let i = 0; i < 50_000; i++) counts[r.int(5)]++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(400); // ~4.5 sigma
    expect(r.shuffle([1, 2, 3, 4, 5]).sort()).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('splitExamples', () => {
  const labels = [...Array(60).fill(0), ...Array(30).fill(1), ...Array(10).fill(2)];
  it('is deterministic for a seed, keeps file order, and differs across seeds', () => {
    const a = splitExamples(examples(labels), 0.2, 13, true);
    const b = splitExamples(examples(labels), 0.2, 13, true);
    expect(a).toEqual(b);
    expect(a.train.length + a.validation.length).toBe(100);
    for (const part of [a.train, a.validation]) for (let i = 1; i < part.length; i++) expect(part[i].line).toBeGreaterThan(part[i - 1].line);
    expect(splitExamples(examples(labels), 0.2, 14, true).validation).not.toEqual(a.validation);
  });

  it('stratifies classification: each class keeps its share', () => {
    const { validation } = splitExamples(examples(labels), 0.2, 13, true);
    const count = (k: number) => validation.filter((e) => e.label === k).length;
    expect([count(0), count(1), count(2)]).toEqual([12, 6, 2]); // round(0.2 · 60, 30, 10)
  });

  it('holds out round(n·f) rows without stratifying, at least one', () => {
    expect(splitExamples(examples(labels), 0.1, 1, false).validation).toHaveLength(10);
    expect(splitExamples(examples([0, 1]), 0.1, 1, false).validation).toHaveLength(1);
    expect(splitExamples(examples([0, 1, 0]), 0.1, 1, true).validation).toHaveLength(1);
  });

  it('limits to a seeded subset in file order', () => {
    const sub = limitExamples(examples(labels), 7, 3);
    expect(sub).toHaveLength(7);
    expect(sub).toEqual(limitExamples(examples(labels), 7, 3));
    expect(sub.map((e) => e.line)).toEqual([...sub.map((e) => e.line)].sort((x, y) => x - y));
  });
});
