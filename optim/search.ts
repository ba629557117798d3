// Nearest-code search into a sorted 256-entry map (spec §1b).
//
// `quantizeCodeTree` is the kernels' 7-probe binary tree, step for step (dQuantize<0>; for the two
// dynamic maps quantize_2D gives the same results). It is the ground truth.
//
// `SearchTable` gives the same answer with one table lookup: a float32's top bits (sign, exponent and
// MANTISSA_BITS of mantissa) select a bucket of consecutive floats; the tree is monotone in x, so inside a
// bucket its answer is `base` or `base + delta` depending on one threshold. The table is built by asking
// the tree itself at each bucket's ends (and bisecting for the threshold), so it is exact by construction;
// the build throws if any bucket would need more than one threshold.
import { fround } from './f32.ts';

export function quantizeCodeTree(code: Float32Array, x: number): number {
  let pivot = 127;
  let upperPivot = 255;
  let lowerPivot = 0;
  let lower = -1;
  let upper = 1;
  let val = code[127];
  for (let i = 64; i > 0; i >>= 1) {
    if (x > val) {
      lowerPivot = pivot;
      lower = val;
      pivot += i;
    } else {
      upperPivot = pivot;
      upper = val;
      pivot -= i;
    }
    val = code[pivot];
  }
  if (upperPivot === 255) upper = code[255];
  if (lowerPivot === 0) lower = code[0];
  if (x > val) return x > fround(fround(upper + val) * 0.5) ? upperPivot : pivot;
  return x < fround(fround(lower + val) * 0.5) ? lowerPivot : pivot;
}

/** Mantissa bits in the bucket key: 7 keeps every bucket to at most one code boundary for both maps. */
export const MANTISSA_BITS = 7;
export const KEY_SHIFT = 23 - MANTISSA_BITS;
const KEYS = 1 << (9 + MANTISSA_BITS);

export interface SearchTable {
  /** code for the bucket's smaller values */
  base: Uint8Array;
  /** added to base when x >= thr (0, 1, or 255 for the bucket holding +Infinity) */
  delta: Uint8Array;
  /** NaN where the bucket is constant (x >= NaN is always false) */
  thr: Float32Array;
}

const bitsF = new Float32Array(1);
const bitsU = new Uint32Array(bitsF.buffer);
function fromBits(b: number): number {
  bitsU[0] = b >>> 0;
  return bitsF[0];
}

export function buildSearchTable(code: Float32Array): SearchTable {
  const base = new Uint8Array(KEYS);
  const delta = new Uint8Array(KEYS);
  const thr = new Float32Array(KEYS).fill(NaN);
  for (let key = 0; key < KEYS; key++) {
    const lo = (key << KEY_SHIFT) >>> 0;
    const hi = (lo + (1 << KEY_SHIFT) - 1) >>> 0;
    const negative = lo >= 0x80000000;
    const exponent = (lo >>> 23) & 0xff;
    if (exponent === 0xff) {
      // ±Infinity and NaNs: the tree gives 0 for NaN and -Infinity, 255 for +Infinity.
      if (lo === 0x7f800000) {
        delta[key] = 255;
        thr[key] = Infinity;
      }
      continue;
    }
    // index t = 0..count-1 runs through the bucket in ascending value order
    const count = hi - lo + 1;
    const bitsAt = (t: number): number => (negative ? hi - t : lo + t);
    const rMin = quantizeCodeTree(code, fromBits(bitsAt(0)));
    const rMax = quantizeCodeTree(code, fromBits(bitsAt(count - 1)));
    base[key] = rMin;
    if (rMax === rMin) continue;
    if (rMax - rMin !== 1) {
      throw new Error(`search table: bucket ${key} spans codes ${rMin}..${rMax}; raise MANTISSA_BITS`);
    }
    let a = 0; // tree(a) === rMin
    let b = count - 1; // tree(b) === rMax
    while (b - a > 1) {
      const mid = a + Math.floor((b - a) / 2);
      if (quantizeCodeTree(code, fromBits(bitsAt(mid))) === rMax) b = mid;
      else a = mid;
    }
    delta[key] = 1;
    thr[key] = fromBits(bitsAt(b));
  }
  return { base, delta, thr };
}

/** One lookup; `bits` is the float32 bit pattern of x. Same answer as quantizeCodeTree(code, x). */
export function lookupCode(t: SearchTable, x: number, bits: number): number {
  const key = bits >>> KEY_SHIFT;
  return x >= t.thr[key] ? (t.base[key] + t.delta[key]) & 0xff : t.base[key];
}
