// The building blocks of the composed kernel, in stock tfjs ops that every backend has (no uint8, no
// SearchSorted, no BitwiseAnd: the tensorflow backend of tfjs-node lacks them). Each function frees its
// own intermediates as soon as they are dead, so the memory a step holds is a few copies of the chunk
// it works on, not one per op. Only functional ops (tf.reshape, not t.reshape): the CommonJS tfjs-core
// entry registers no chained ops.
import * as tf from '@tensorflow/tfjs-core';
import { FLT_MAX } from '../f32.ts';
import { SIGNED_DYNAMIC_MAP, UNSIGNED_DYNAMIC_MAP } from '../maps.ts';
import { searchTables } from './fusedJs.ts';

/** One map on the device: its 256 values and its code thresholds in heap order (for searchCodes). */
export interface MapTensors {
  values: tf.Tensor1D;
  /** heap[h], h = 1..255: the threshold the h-th node of the search compares with (heap[0] unused) */
  heap: tf.Tensor1D;
  /** the root's threshold (thresholds[128]) */
  root: number;
  /** thresholds[127]: the smallest x whose code is 127 or above */
  zeroThreshold: number;
}

/**
 * thresholds[k] (search.ts) is the smallest float32 the 7-probe tree sends to code k or above, so
 * code(x) = #{k >= 1 : x >= thresholds[k]}: an 8-level binary search over the thresholds, which in heap
 * order is h <- 2h + (x >= heap[h]) from h = 1, code = h - 256. Exact by construction, NaN -> 0.
 */
export function heapThresholds(thresholds: Float32Array): Float32Array {
  const heap = new Float32Array(256);
  for (let h = 1; h < 256; h++) {
    const depth = 31 - Math.clz32(h);
    heap[h] = thresholds[((h - (1 << depth)) << (8 - depth)) + (1 << (7 - depth))];
  }
  return heap;
}

const cache = new Map<string, { signed: MapTensors; unsigned: MapTensors }>();
/** Both maps as tensors on the current backend, made once per backend and kept. */
export function mapTensors(): { signed: MapTensors; unsigned: MapTensors } {
  const name = tf.getBackend();
  const have = cache.get(name);
  if (have && !have.signed.values.isDisposed && !have.unsigned.heap.isDisposed) return have;
  const t = searchTables();
  const make = (values: Float32Array, thresholds: Float32Array): MapTensors => ({
    values: tf.keep(tf.tensor1d(values, 'float32')),
    heap: tf.keep(tf.tensor1d(heapThresholds(thresholds), 'float32')),
    root: thresholds[128],
    zeroThreshold: thresholds[127],
  });
  const m = { signed: make(SIGNED_DYNAMIC_MAP, t.signed.thresholds), unsigned: make(UNSIGNED_DYNAMIC_MAP, t.unsigned.thresholds) };
  cache.set(name, m);
  return m;
}

export const i32 = (v: number): tf.Scalar => tf.scalar(v, 'int32');
export const f32 = (v: number): tf.Scalar => tf.scalar(v, 'float32');

/** tf.reshape that frees its input (a reshape shares the buffer: the old handle would keep it alive). */
export function reshapeOwned<R extends tf.Rank>(t: tf.Tensor, shape: number[]): tf.Tensor<R> {
  const r = tf.reshape<R>(t, shape as tf.ShapeMap[R]);
  t.dispose();
  return r;
}

/** Frees the inputs of a step once it has made its output (not named `then`: a module exporting `then` is a thenable). */
export function consume<T extends tf.Tensor>(out: T, ...inputs: tf.Tensor[]): T {
  for (const t of inputs) if (t !== out) t.dispose();
  return out;
}

/** x·a + b, freeing x, x·a and b (the EMA update of every rule). */
export function axpb(x: tf.Tensor, a: number, b: tf.Tensor): tf.Tensor {
  const ax = consume(tf.mul(x, f32(a)), x);
  return consume(tf.add(ax, b), ax, b);
}

/** int32 [w] of packed bytes -> int32 [4w] codes 0..255 (little-endian), by floor division and floor modulo. */
export function unpackWords(packed: tf.Tensor): tf.Tensor1D {
  const w = tf.reshape(packed, [-1, 1]);
  const shifted = tf.floorDiv(w, tf.tensor2d([[1, 1 << 8, 1 << 16, 1 << 24]], [1, 4], 'int32'));
  w.dispose();
  // floor modulo: the top byte of a negative word comes out 128..255
  return reshapeOwned(consume(tf.mod(shifted, i32(256)), shifted), [-1]);
}

/** int32 [4w] codes 0..255 -> int32 [w], four little-endian bytes per word. */
export function packWords(codes: tf.Tensor): tf.Tensor1D {
  const c = tf.reshape(codes, [-1, 4]);
  // the top byte as a signed byte keeps every product and the sum inside int32
  const high = tf.floorDiv(c, i32(128));
  const adjust = consume(tf.mul(high, tf.tensor2d([[0, 0, 0, 256]], [1, 4], 'int32')), high);
  const signedTop = consume(tf.sub(c, adjust), c, adjust);
  const parts = consume(tf.mul(signedTop, tf.tensor2d([[1, 1 << 8, 1 << 16, 1 << 24]], [1, 4], 'int32')), signedTop);
  return consume(tf.sum(parts, 1), parts) as tf.Tensor1D;
}

/** int32 [ceil(n/4)] of packed bytes -> int32 [n] codes 0..255. */
export function unpackTensor(packed: tf.Tensor, n: number): tf.Tensor1D {
  return tf.tidy(() => {
    const all = unpackWords(packed);
    return all.shape[0] === n ? all : consume(tf.slice(all, 0, n), all);
  });
}

/** int32 [n] codes 0..255 -> int32 [ceil(n/4)], four little-endian bytes per element (padding bytes 0). */
export function packTensor(codes: tf.Tensor, n: number): tf.Tensor1D {
  return tf.tidy(() => {
    const flat = tf.reshape(codes, [n]);
    const padded = n % 4 === 0 ? flat : consume(tf.pad(flat, [[0, 4 - (n % 4)]], 0), flat);
    return consume(packWords(padded), padded);
  });
}

/** The nearest code of every element of x (float32, any shape) as int32, the 7-probe tree's answer. */
export function searchCodes(map: MapTensors, x: tf.Tensor): tf.Tensor {
  const two = i32(2);
  const ge0 = tf.greaterEqual(x, f32(map.root));
  const bit0 = consume(tf.cast(ge0, 'int32'), ge0);
  let h: tf.Tensor = consume(tf.add(bit0, two), bit0);
  for (let level = 1; level < 8; level++) {
    const threshold = tf.gather(map.heap, h);
    const ge = consume(tf.greaterEqual(x, threshold), threshold);
    const bit = consume(tf.cast(ge, 'int32'), ge);
    const twice = consume(tf.add(h, h), h);
    h = consume(tf.add(twice, bit), twice, bit);
  }
  two.dispose();
  return consume(tf.sub(h, i32(256)), h);
}

/** Unsigned requantization of s [nb, B] (freed here) with per-block absmax [nb, 1]: s / absmax, then the search. */
export function requantUnsigned(map: MapTensors, s: tf.Tensor, absmax: tf.Tensor): tf.Tensor {
  const x = consume(tf.div(s, absmax), s);
  return consume(searchCodes(map, x), x);
}

/**
 * Signed requantization of s (freed here) with bitsandbytes' sign fix-up: where signbit(qmap[c]) differs
 * from signbit(s), c moves one code, up if s > 0 and down otherwise (0 - 1 wraps to 255). The code's
 * sign is known from x = s / absmax before the search (c < 127 iff x < thresholds[127] or x is NaN), so
 * the fix-up is decided on one-byte booleans and s is freed before the search runs.
 */
export function requantSigned(map: MapTensors, s: tf.Tensor, absmax: tf.Tensor): tf.Tensor {
  const x = tf.div(s, absmax);
  const zero = f32(0);
  // signbit(s): negative, or a zero whose reciprocal is -Infinity (NaN counts as positive here)
  const below = tf.less(s, zero);
  const inverse = tf.div(f32(1), s);
  const negZero = consume(tf.less(inverse, zero), inverse);
  const sNeg = consume(tf.logicalOr(below, negZero), below, negZero);
  const xLow = tf.less(x, f32(map.zeroThreshold));
  const xNaN = tf.isNaN(x);
  const codeNeg = consume(tf.logicalOr(xLow, xNaN), xLow, xNaN);
  const flip = consume(tf.logicalXor(sNeg, codeNeg), sNeg, codeNeg);
  const pos = consume(tf.greater(s, zero), s);
  const notPos = tf.logicalNot(pos);
  const up = consume(tf.logicalAnd(flip, pos), pos);
  const down = consume(tf.logicalAnd(flip, notPos), flip, notPos);
  const c = consume(searchCodes(map, x), x);
  const upI = consume(tf.cast(up, 'int32'), up);
  const raised = consume(tf.add(c, upI), c, upI);
  const downI = consume(tf.cast(down, 'int32'), down);
  const moved = consume(tf.sub(raised, downI), raised, downI);
  return consume(tf.mod(moved, i32(256)), moved);
}

/**
 * Per-block fmaxf reduction of |s| from -FLT_MAX, as the kernels do it: NaN lanes are skipped (tf.max
 * would propagate them), a block of NaN only gives -FLT_MAX. [nb, B] -> [nb, 1]. Written as the larger
 * of max and -min of s with NaN lanes zeroed, so the only full-size copy is that one.
 */
export function blockAbsMax(s: tf.Tensor): tf.Tensor {
  const nan = tf.isNaN(s);
  const clean = tf.where(nan, f32(0), s);
  const allNaN = consume(tf.all(nan, 1, true), nan);
  const hi = tf.max(clean, 1, true);
  const lo = consume(tf.min(clean, 1, true), clean);
  // abs: an all-zero block gives +0 as fmaxf does, whatever the zeros' signs
  const am = tf.abs(tf.maximum(hi, tf.neg(lo)));
  return tf.where(allNaN, tf.fill(am.shape, -FLT_MAX), am);
}

/** numpy's sign, as ref.py's Lion uses it: NaN stays NaN (tf.sign gives 0). */
export function npSign(x: tf.Tensor): tf.Tensor {
  const nan = tf.isNaN(x);
  const sg = tf.sign(x);
  return consume(tf.where(nan, x, sg), nan, sg);
}

/**
 * Dequantized state of one chunk, [nb, B]: the packed words' codes (padding lanes past `length` get
 * `padCode`, as bitsandbytes' kernels load them) looked up in the map and scaled by the block's absmax.
 */
export function dequantize(map: MapTensors, packed: tf.Tensor, absmax: tf.Tensor, length: number, nb: number, B: number, padCode: number): tf.Tensor {
  let codes: tf.Tensor = unpackWords(packed);
  if (codes.shape[0] !== nb * B) {
    const valid = consume(tf.slice(codes, 0, length), codes);
    codes = consume(tf.pad(valid, [[0, nb * B - length]], padCode), valid);
  }
  const values = reshapeOwned(consume(tf.gather(map.values, codes), codes), [nb, B]);
  return consume(tf.mul(values, tf.reshape(absmax, [nb, 1])), values);
}
