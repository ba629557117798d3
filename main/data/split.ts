// Train/validation split by a seeded fraction: deterministic for a given seed and file, and stratified
// for classification (each class keeps its share in both parts).
import { Rng } from './rng.ts';
import type { Example } from './types.ts';

export interface SplitResult {
  train: Example[];
  validation: Example[];
}

/** How many of n go to validation: round(n·f), at least 1 and at most n − 1 when n ≥ 2. */
function share(n: number, fraction: number): number {
  if (n < 2) return 0;
  return Math.min(n - 1, Math.max(1, Math.round(n * fraction)));
}

/**
 * Holds out `fraction` of the examples. With `stratify` each class (by `label`) is shuffled and split
 * on its own (a class with a single example stays in train). Both parts keep file order.
 */
export function splitExamples(examples: readonly Example[], fraction: number, seed: number, stratify: boolean): SplitResult {
  const rng = new Rng(seed);
  const held = new Set<number>();
  if (stratify) {
    const groups = new Map<number, number[]>();
    examples.forEach((ex, i) => {
      const k = ex.label ?? -1;
      const g = groups.get(k);
      if (g) g.push(i);
      else groups.set(k, [i]);
    });
    const keys = [...groups.keys()].sort((a, b) => a - b);
    for (const k of keys) {
      const idx = rng.shuffle(groups.get(k)!);
      const take = idx.length < 2 ? 0 : Math.min(idx.length - 1, Math.round(idx.length * fraction));
      for (const i of idx.slice(0, take)) held.add(i);
    }
    // Tiny files: make sure both parts are non-empty when possible.
    if (held.size === 0 && examples.length >= 2) held.add(rng.int(examples.length));
  } else {
    const idx = rng.shuffle(examples.map((_, i) => i));
    for (const i of idx.slice(0, share(examples.length, fraction))) held.add(i);
  }
  const train: Example[] = [];
  const validation: Example[] = [];
  examples.forEach((ex, i) => (held.has(i) ? validation : train).push(ex));
  return { train, validation };
}

/** A seeded subset of at most n examples, in file order (dataset.maxRows). */
export function limitExamples(examples: readonly Example[], n: number, seed: number): Example[] {
  if (examples.length <= n) return [...examples];
  const keep = new Set(new Rng(seed ^ 0x5bd1e995).shuffle(examples.map((_, i) => i)).slice(0, n));
  return examples.filter((_, i) => keep.has(i));
}
