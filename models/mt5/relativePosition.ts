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

/** [queryLen, keyLen] buckets of (key position − query position), row-major. */
export function relativePositionBuckets(
  queryLen: number, keyLen: number, bidirectional: boolean, numBuckets: number, maxDistance: number, queryOffset = 0,
): Int32Array {
  const out = new Int32Array(queryLen * keyLen);
  for (let q = 0; q < queryLen; q++) {
    for (let k = 0; k < keyLen; k++) out[q * keyLen + k] = relativePositionBucket(k - (q + queryOffset), bidirectional, numBuckets, maxDistance);
  }
  return out;
}
