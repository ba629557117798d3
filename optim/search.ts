// Nearest-code search into a sorted 256-entry map (spec §1b).
//
// `quantizeCodeTree` is the kernels' 7-probe binary tree, step for step (dQuantize<0>; for the two
// dynamic maps quantize_2D gives the same results). It is the ground truth.
//
// `SearchTable` gives the same answer with two small lookups, which is what the fused kernels use:
// - thresholds[k] is the smallest float32 the tree sends to code k or above (found by bisecting over all
//   floats with the tree itself). The tree is monotone, so code(x) = #{k >= 1 : x >= thresholds[k]}.
// - a float's sign, exponent (clamped to E_MIN..E_MAX: below, every float is in the zero code's basin;
//   above, in code 0 or 255) and 7 top mantissa bits select a bucket; `base` is the code of the bucket's
//   smallest value, and no bucket spans more than one threshold (the build checks it), so
//   code(x) = base + (x >= thresholds[base + 1] ? 1 : 0), and NaN -> 0.
// Exact by construction; the tests also compare it with the tree on every bucket's ends, every midpoint
// and a million random points (and it was checked once on all 2^32 float32 bit patterns).
// a module-local binding: V8 inlines it (an imported one is a call every time)
const fround = Math.fround;

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

/** The exponent window of the bucket table (float32 exponent field values, 2^-31 .. 2^0). */
export const E_MIN = 96;
export const E_MAX = 127;
export const MANTISSA_BITS = 7;
const ROWS = E_MAX - E_MIN + 1; // 32
/** Buckets per sign (4096) and the table length (8192, plus 4 bytes so 32-bit gathers stay in bounds). */
export const BUCKETS_PER_SIGN = ROWS << MANTISSA_BITS;
export const TABLE_LENGTH = 2 * BUCKETS_PER_SIGN;

export interface SearchTable {
  /** code of each bucket's smallest value; TABLE_LENGTH entries plus 4 bytes of padding */
  base: Uint8Array;
  /** 257 entries: thresholds[0] = -Infinity, thresholds[256] = NaN (never reached) */
  thresholds: Float32Array;
}

/** Bucket of a float32 given by its bit pattern. */
export function bucketOf(bits: number): number {
  const e = Math.min(Math.max((bits >>> 23) & 0xff, E_MIN), E_MAX);
  return (bits >>> 31) * BUCKETS_PER_SIGN + ((e - E_MIN) << MANTISSA_BITS) + ((bits >>> (23 - MANTISSA_BITS)) & ((1 << MANTISSA_BITS) - 1));
}

const bitsF = new Float32Array(1);
const bitsU = new Uint32Array(bitsF.buffer);
function fromBits(b: number): number {
  bitsU[0] = b >>> 0;
  return bitsF[0];
}

/** float32 bits -> an unsigned integer that orders like the float values (-Inf lowest, -0 just below +0). */
const orderOf = (bits: number): number => (bits >= 0x80000000 ? 0xffffffff - bits : bits + 0x80000000);
const bitsOfOrder = (ord: number): number => (ord >= 0x80000000 ? ord - 0x80000000 : 0xffffffff - ord);

export function buildSearchTable(code: Float32Array): SearchTable {
  const lowest = orderOf(0xff800000); // -Infinity
  const highest = orderOf(0x7f800000); // +Infinity
  const ords = new Float64Array(257); // thresholds as orders
  ords[0] = lowest;
  ords[256] = Infinity;
  const treeAt = (ord: number) => quantizeCodeTree(code, fromBits(bitsOfOrder(ord)));
  for (let k = 1; k < 256; k++) {
    let a = Math.max(lowest, ords[k - 1]);
    let b = highest + 1; // +Infinity goes to 255 >= k, so the answer is at most `highest`
    if (treeAt(a) >= k) {
      ords[k] = a;
      continue;
    }
    while (b - a > 1) {
      const mid = a + Math.floor((b - a) / 2);
      if (treeAt(mid) >= k) b = mid;
      else a = mid;
    }
    ords[k] = b;
  }
  const codeAt = (ord: number): number => {
    let lo = 0; // ords[lo] <= ord < ords[hi]
    let hi = 256;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (ords[mid] <= ord) lo = mid;
      else hi = mid;
    }
    return lo;
  };
  const thresholds = new Float32Array(257);
  thresholds[0] = -Infinity;
  for (let k = 1; k < 256; k++) thresholds[k] = fromBits(bitsOfOrder(ords[k]));
  thresholds[256] = NaN;

  const base = new Uint8Array(TABLE_LENGTH + 4);
  const span = 1 << (23 - MANTISSA_BITS);
  for (let sign = 0; sign < 2; sign++) {
    for (let e = E_MIN; e <= E_MAX; e++) {
      for (let m = 0; m < 1 << MANTISSA_BITS; m++) {
        let lo = ((sign << 31) | (e << 23) | (m << (23 - MANTISSA_BITS))) >>> 0;
        let hi = (lo + span - 1) >>> 0;
        // a clamped row stands for every float below (above) it too: each of its buckets is checked over
        // the whole range from ±0 to the row's end (the row's start to ±Infinity), so all are one code
        if (e === E_MIN) {
          lo = (sign << 31) >>> 0;
          hi = ((sign << 31) | (E_MIN << 23) | 0x7fffff) >>> 0;
        }
        if (e === E_MAX) {
          lo = ((sign << 31) | (E_MAX << 23)) >>> 0;
          hi = ((sign << 31) | 0x7f800000) >>> 0;
        }
        const o1 = orderOf(lo);
        const o2 = orderOf(hi);
        const rMin = codeAt(Math.min(o1, o2));
        const rMax = codeAt(Math.max(o1, o2));
        const clamped = e === E_MIN || e === E_MAX;
        if (rMax - rMin > (clamped ? 0 : 1)) {
          throw new Error(`search table: bucket sign=${sign} e=${e} m=${m} spans codes ${rMin}..${rMax}`);
        }
        base[sign * BUCKETS_PER_SIGN + ((e - E_MIN) << MANTISSA_BITS) + m] = rMin;
      }
    }
  }
  return { base, thresholds };
}

/**
 * The same table with one 32-bit entry per bucket, for the native kernel (one gather per lookup):
 * bits 0-7 base code, bit 8 whether the bucket holds a threshold, bits 16-31 that threshold's position
 * in the bucket in value order (the low 16 bits of its pattern; complemented for negative floats, whose
 * patterns grow as values fall). code(x) = base + (has && valuePos(x) >= pos ? 1 : 0), NaN -> 0.
 */
export function packSearchTable(t: SearchTable): Uint32Array {
  const out = new Uint32Array(TABLE_LENGTH);
  const f = new Float32Array(1);
  const u = new Uint32Array(f.buffer);
  for (let idx = 0; idx < TABLE_LENGTH; idx++) {
    const sign = idx >= BUCKETS_PER_SIGN ? 1 : 0;
    const row = (idx % BUCKETS_PER_SIGN) >> MANTISSA_BITS;
    const m = idx & ((1 << MANTISSA_BITS) - 1);
    const key = (sign << 15) | ((row + E_MIN) << MANTISSA_BITS) | m; // the top 16 bits of the bucket's floats
    const b = t.base[idx];
    let entry = b;
    if (b < 255) {
      f[0] = t.thresholds[b + 1];
      if (u[0] >>> 16 === key && row > 0 && row < E_MAX - E_MIN) {
        const low = u[0] & 0xffff;
        entry |= (1 << 8) | ((sign ? 0xffff - low : low) << 16);
      }
    }
    out[idx] = entry >>> 0;
  }
  return out;
}

/** One lookup; `bits` is the float32 bit pattern of x. Same answer as quantizeCodeTree(code, x). */
export function lookupCode(t: SearchTable, x: number, bits: number): number {
  if (x !== x) return 0;
  const b = t.base[bucketOf(bits)];
  return x >= t.thresholds[b + 1] ? b + 1 : b;
}
