// T5 relative position buckets (_relative_position_bucket), computed in JS with float32 rounding at
// each step, as torch does it in float32.
const f32 = Math.fround;

export function relativePositionBucket(relative: number, bidirectional: boolean, numBuckets: number, maxDistance: number): number {
  let buckets = 0;
  let nb = numBuckets;
  let rel = relative;
  if (bidirectional) {
    nb = Math.floor(nb / 2);
    if (rel > 0) buckets += nb;
    rel = Math.abs(rel);
  } else {
    rel = -Math.min(rel, 0);
  }
  const maxExact = Math.floor(nb / 2);
  if (rel < maxExact) return buckets + rel;
  const logRatio = f32(Math.log(f32(f32(rel) / maxExact)));
  const scaled = f32(f32(logRatio / f32(Math.log(maxDistance / maxExact))) * (nb - maxExact));
  const large = Math.min(maxExact + Math.trunc(scaled), nb - 1);
  return buckets + large;
}

// Every forward pass of a stack asks for the same table (a training run's batches share a few padded
// lengths): computed once per shape (a 128×128 table took ≈0.5 ms per step in JavaScript).
const cache = new Map<string, Int32Array>();
const CACHE_LIMIT = 64;

/** [queryLen, keyLen] buckets of (key position − query position), row-major; a fresh copy each call. */
export function relativePositionBuckets(
  queryLen: number, keyLen: number, bidirectional: boolean, numBuckets: number, maxDistance: number, queryOffset = 0,
): Int32Array {
  const key = `${queryLen},${keyLen},${bidirectional},${numBuckets},${maxDistance},${queryOffset}`;
  let table = cache.get(key);
  if (!table) {
    if (cache.size >= CACHE_LIMIT) cache.clear();
    table = computeBuckets(queryLen, keyLen, bidirectional, numBuckets, maxDistance, queryOffset);
    cache.set(key, table);
  }
  // A copy: the caller's tensor may own (and a buffer pool may later reuse) the array it is given.
  return table.slice();
}

function computeBuckets(queryLen: number, keyLen: number, bidirectional: boolean, numBuckets: number, maxDistance: number, queryOffset: number): Int32Array {
  const out = new Int32Array(queryLen * keyLen);
  for (let q = 0; q < queryLen; q++) {
    for (let k = 0; k < keyLen; k++) out[q * keyLen + k] = relativePositionBucket(k - (q + queryOffset), bidirectional, numBuckets, maxDistance);
  }
  return out;
}
