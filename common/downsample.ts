// Min/max bucket downsampling for curves: keeps the first and last points and, in each bucket of
// consecutive points, the lowest and the highest. So spikes (a loss blow-up, the best eval) survive at
// any zoom level, which averaging or plain striding would hide. Pure, shared by the store and the UI.

/**
 * Indices (ascending) of at most `maxPoints` points of `y` to draw. NaN values are skipped when
 * picking a bucket's extremes unless the bucket holds nothing else.
 */
export function minMaxIndices(y: ArrayLike<number>, maxPoints: number): number[] {
  const n = y.length;
  if (n === 0) return [];
  const cap = Math.max(1, Math.floor(maxPoints));
  if (n <= cap) return Array.from({ length: n }, (_, i) => i);
  if (cap === 1) return [0];
  if (cap < 4) return [0, n - 1];
  const buckets = Math.floor((cap - 2) / 2);
  const inner = n - 2; // points 1 .. n-2
  const out: number[] = [0];
  for (let b = 0; b < buckets; b++) {
    const start = 1 + Math.floor((b * inner) / buckets);
    const end = 1 + Math.floor(((b + 1) * inner) / buckets); // exclusive
    if (end <= start) continue;
    let lo = -1;
    let hi = -1;
    for (let i = start; i < end; i++) {
      const v = y[i];
      if (Number.isNaN(v)) continue;
      if (lo < 0 || v < y[lo]) lo = i;
      if (hi < 0 || v > y[hi]) hi = i;
    }
    if (lo < 0) {
      out.push(start);
    } else if (lo === hi) {
      out.push(lo);
    } else {
      out.push(Math.min(lo, hi), Math.max(lo, hi));
    }
  }
  out.push(n - 1);
  return out;
}

/** Downsamples a curve given as x and y arrays of equal length. */
export function downsampleMinMax(x: ArrayLike<number>, y: ArrayLike<number>, maxPoints: number): { x: number[]; y: number[] } {
  if (x.length !== y.length) throw new Error(`x and y differ in length (${x.length} vs ${y.length})`);
  const idx = minMaxIndices(y, maxPoints);
  return { x: idx.map((i) => x[i]), y: idx.map((i) => y[i]) };
}
