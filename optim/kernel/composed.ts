// The composed kernel: the same update written with stock tfjs ops only, for backends where we cannot
// touch buffers (tensorflow / tfjs-node-gpu, webgl, webgpu). Constraints from those backends:
// - no uint8 dtype: codes are kept four per int32 element (little-endian bytes, the same layout the
//   in-place kernels use), so the state costs one byte per element there too; packing uses only
//   mul/add/floorDiv/mod on int32 (no BitwiseAnd, which the tensorflow backend lacks);
// - no SearchSorted (also missing there): the nearest code comes from the kernels' 7-probe tree,
//   written as gather + compare + where.
// Only functional ops (tf.reshape, not t.reshape): the CommonJS tfjs-core entry registers no chained ops.
// Every op here is an IEEE float32 op, so on the cpu backend the result is usually bit-identical to the
// reference; GPU backends may differ by ulps (and a code by ±1), within bitsandbytes' tolerances (§1f).
// Packing is exact where int32 arithmetic is (cpu, wasm, tensorflow, webgpu); WebGL keeps int32 in
// float32 textures (exact to 2^24) and would corrupt the top byte, so use the 32-bit state there.
import * as tf from '@tensorflow/tfjs-core';
import type { StepScalars } from '../algorithms.ts';
import { FLT_MAX } from '../f32.ts';
import { SIGNED_DYNAMIC_MAP, UNSIGNED_DYNAMIC_MAP } from '../maps.ts';
import type { OptimKernel, SlotTensors } from './types.ts';

const mapCache = new Map<string, { q1: tf.Tensor1D; q2: tf.Tensor1D }>();
/** The two maps as tensors on the current backend, created once per backend and kept. */
function maps(): { q1: tf.Tensor1D; q2: tf.Tensor1D } {
  const name = tf.getBackend();
  let m = mapCache.get(name);
  if (!m || m.q1.isDisposed || m.q2.isDisposed) {
    m = { q1: tf.keep(tf.tensor1d(SIGNED_DYNAMIC_MAP, 'float32')), q2: tf.keep(tf.tensor1d(UNSIGNED_DYNAMIC_MAP, 'float32')) };
    mapCache.set(name, m);
  }
  return m;
}

const i32 = (v: number) => tf.scalar(v, 'int32');

/** int32 [ceil(n/4)] of packed bytes -> int32 [n] codes 0..255. */
export function unpackTensor(packed: tf.Tensor, n: number): tf.Tensor1D {
  return tf.tidy(() => {
    const b256 = i32(256);
    const bytes: tf.Tensor[] = [];
    let rest = tf.reshape(packed, [-1]);
    for (let k = 0; k < 4; k++) {
      bytes.push(tf.mod(rest, b256)); // floor modulo: the top byte of a negative int32 comes out 128..255
      rest = tf.floorDiv(rest, b256);
    }
    return tf.slice(tf.reshape(tf.stack(bytes, 1), [-1]), 0, n) as tf.Tensor1D;
  });
}

/** int32 [n] codes 0..255 -> int32 [ceil(n/4)], four little-endian bytes per element. */
export function packTensor(codes: tf.Tensor, n: number): tf.Tensor1D {
  return tf.tidy(() => {
    const k = Math.ceil(n / 4);
    const flat = tf.reshape(codes, [n]);
    const padded = tf.reshape(4 * k > n ? tf.pad(flat, [[0, 4 * k - n]], 0) : flat, [k, 4]);
    // the top byte as a signed byte keeps the sum inside int32
    const parts = tf.split(padded, 4, 1);
    const top = tf.sub(parts[3], tf.mul(tf.cast(tf.greaterEqual(parts[3], i32(128)), 'int32'), i32(256)));
    const sum = tf.addN([parts[0], tf.mul(parts[1], i32(1 << 8)), tf.mul(parts[2], i32(1 << 16)), tf.mul(top, i32(1 << 24))]);
    return tf.reshape(sum, [k]) as tf.Tensor1D;
  });
}

/** The 7-probe tree of dQuantize for every element of x (float32, any shape) -> int32 codes. */
export function searchCodesTensor(q: tf.Tensor1D, x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const shape = x.shape;
    let pivot: tf.Tensor = tf.fill(shape, 127, 'int32');
    let lowerPivot: tf.Tensor = tf.fill(shape, 0, 'int32');
    let upperPivot: tf.Tensor = tf.fill(shape, 255, 'int32');
    let lower: tf.Tensor = tf.fill(shape, -1, 'float32');
    let upper: tf.Tensor = tf.fill(shape, 1, 'float32');
    let val = tf.gather(q, pivot);
    for (let i = 64; i > 0; i >>= 1) {
      const gt = tf.greater(x, val);
      lowerPivot = tf.where(gt, pivot, lowerPivot);
      lower = tf.where(gt, val, lower);
      upperPivot = tf.where(gt, upperPivot, pivot);
      upper = tf.where(gt, upper, val);
      pivot = tf.where(gt, tf.add(pivot, i32(i)), tf.sub(pivot, i32(i)));
      val = tf.gather(q, pivot);
    }
    upper = tf.where(tf.equal(upperPivot, i32(255)), tf.gather(q, i32(255)), upper);
    lower = tf.where(tf.equal(lowerPivot, i32(0)), tf.gather(q, i32(0)), lower);
    const half = tf.scalar(0.5);
    const up = tf.where(tf.greater(x, tf.mul(tf.add(upper, val), half)), upperPivot, pivot);
    const down = tf.where(tf.less(x, tf.mul(tf.add(lower, val), half)), lowerPivot, pivot);
    return tf.where(tf.greater(x, val), up, down);
  });
}

/** Signed requantization of s [nb, B] with per-block absmax [nb, 1], sign fix-up included. */
function requantSigned(q1: tf.Tensor1D, s: tf.Tensor, absmax: tf.Tensor): tf.Tensor {
  const c = searchCodesTensor(q1, tf.div(s, absmax));
  // signbit(s): negative, or a zero whose reciprocal is -Infinity (NaN counts as positive here)
  const sNeg = tf.logicalOr(tf.less(s, tf.scalar(0)), tf.less(tf.div(tf.scalar(1), s), tf.scalar(0)));
  const codeNeg = tf.less(c, i32(127)); // signed map: codes 0..126 are negative, 127 is +0
  const moved = tf.where(tf.greater(s, tf.scalar(0)), tf.add(c, i32(1)), tf.sub(c, i32(1)));
  return tf.mod(tf.where(tf.logicalXor(sNeg, codeNeg), moved, c), i32(256));
}

/** kQuantizeBlockwise with tfjs ops: absmax per block, x * (1 / absmax), the 7-probe tree. */
export function composedQuantize(x: Float32Array, B: number, signed: boolean): { codes: Uint8Array; absmax: Float32Array } {
  return tf.tidy(() => {
    const { q1, q2 } = maps();
    const n = x.length;
    const nb = Math.ceil(n / B);
    const X = tf.reshape(tf.pad(tf.tensor1d(x), [[0, nb * B - n]]), [nb, B]);
    const am = tf.max(tf.abs(X), 1, true);
    const codes = searchCodesTensor(signed ? q1 : q2, tf.mul(X, tf.div(tf.scalar(1), am)));
    return {
      codes: Uint8Array.from(tf.slice(tf.reshape(codes, [nb * B]), 0, n).dataSync()),
      absmax: tf.reshape(am, [nb]).dataSync() as Float32Array,
    };
  });
}

/** fmaxf reduction from -FLT_MAX as the kernels do it: NaN lanes are skipped (tf.max would propagate them). */
function blockMax(s: tf.Tensor): tf.Tensor {
  const a = tf.abs(s);
  return tf.max(tf.where(tf.isNaN(a), tf.fill(a.shape, -FLT_MAX), a), 1, true); // [nb, 1]
}

/** numpy's sign, as ref.py's Lion uses it: NaN stays NaN (tf.sign gives 0). */
function npSignTensor(x: tf.Tensor): tf.Tensor {
  return tf.where(tf.isNaN(x), x, tf.sign(x));
}

interface Step8Out {
  p: tf.Tensor;
  s1: tf.Tensor;
  a1: tf.Tensor;
  s2?: tf.Tensor;
  a2?: tf.Tensor;
}

function step8(param: tf.Variable, grad: tf.Tensor, slot: SlotTensors, sc: StepScalars, B: number): Step8Out {
  return tf.tidy(() => {
    const { q1, q2 } = maps();
    const n = slot.n;
    const nb = Math.ceil(n / B);
    const extra = nb * B - n;
    const blocks = (t: tf.Tensor, padValue: number) => tf.reshape(extra > 0 ? tf.pad(tf.reshape(t, [n]), [[0, extra]], padValue) : t, [nb, B]);
    const valid = (t: tf.Tensor) => tf.slice(tf.reshape(t, [nb * B]), 0, n);
    const G = blocks(grad, 0);
    const P = blocks(param, 0);
    const c1 = blocks(unpackTensor(slot.s1, n), 128);
    const am1 = tf.reshape(slot.a1!, [nb, 1]);
    const s = (v: number) => tf.scalar(v, 'float32');
    const zeros = tf.zerosLike(G);
    if (sc.rule === 'adam') {
      const c2 = blocks(unpackTensor(slot.s2!, n), 0);
      const am2 = tf.reshape(slot.a2!, [nb, 1]);
      const finite = tf.isFinite(G);
      const gv = tf.mul(tf.where(finite, G, zeros), s(sc.gnormScale));
      let v = tf.mul(tf.gather(q2, c2), am2);
      v = tf.add(tf.mul(v, s(sc.beta2)), tf.mul(tf.mul(s(sc.oneMinusBeta2), gv), gv));
      let m = tf.mul(tf.gather(q1, c1), am1);
      m = tf.add(tf.mul(m, s(sc.beta1)), tf.mul(s(sc.oneMinusBeta1), gv));
      m = tf.where(finite, m, zeros);
      v = tf.where(finite, v, zeros);
      const new1 = blockMax(m);
      const new2 = blockMax(v);
      let pn = tf.add(P, tf.mul(s(sc.stepSize), tf.div(m, tf.add(tf.sqrt(v), s(sc.epsC2)))));
      if (sc.weightDecay > 0) pn = tf.mul(pn, s(sc.decayFactor));
      pn = tf.where(finite, pn, P);
      const codes2 = searchCodesTensor(q2, tf.div(v, new2));
      return {
        p: tf.reshape(valid(pn), param.shape),
        s1: packTensor(valid(requantSigned(q1, m, new1)), n),
        a1: tf.reshape(new1, [nb]),
        s2: packTensor(valid(codes2), n),
        a2: tf.reshape(new2, [nb]),
      };
    }
    let gv = tf.mul(G, s(sc.gnormScale));
    let p = P;
    if (sc.weightDecay > 0) {
      if (sc.rule === 'lion') p = tf.mul(P, s(sc.decayFactor));
      else gv = tf.add(gv, tf.mul(P, s(sc.weightDecay)));
    }
    const st = tf.mul(tf.gather(q1, c1), am1);
    let next: tf.Tensor;
    if (sc.rule === 'momentum') {
      next = sc.step === 1 ? gv : tf.add(tf.mul(st, s(sc.beta1)), gv);
      p = tf.sub(p, tf.mul(s(sc.lr), next));
    } else if (sc.rule === 'lion') {
      const inner = tf.add(tf.mul(st, s(sc.beta1)), tf.mul(s(sc.oneMinusBeta1), gv));
      next = tf.add(tf.mul(st, s(sc.beta2)), tf.mul(s(sc.oneMinusBeta2), gv));
      p = tf.sub(p, tf.mul(s(sc.lr), npSignTensor(inner)));
    } else {
      next =
        sc.rule === 'rmsprop'
          ? tf.add(tf.mul(st, s(sc.beta1)), tf.mul(s(sc.oneMinusBeta1), tf.mul(gv, gv)))
          : tf.add(st, tf.mul(gv, gv));
      p = tf.sub(p, tf.mul(s(sc.lr), tf.div(G, tf.add(tf.sqrt(next), s(sc.eps))))); // raw gradient numerator
    }
    const newAm = blockMax(next);
    return {
      p: tf.reshape(valid(p), param.shape),
      s1: packTensor(valid(requantSigned(q1, next, newAm)), n),
      a1: tf.reshape(newAm, [nb]),
    };
  });
}

function step32(param: tf.Variable, grad: tf.Tensor, slot: SlotTensors, sc: StepScalars): { p: tf.Tensor; s1: tf.Tensor; s2?: tf.Tensor } {
  return tf.tidy(() => {
    const s = (v: number) => tf.scalar(v, 'float32');
    const P = tf.reshape(param, [slot.n]);
    let gv = tf.mul(tf.reshape(grad, [slot.n]), s(sc.gnormScale));
    const S1 = slot.s1;
    if (sc.rule === 'adam') {
      const m = tf.add(tf.mul(S1, s(sc.beta1)), tf.mul(s(sc.oneMinusBeta1), gv));
      const v = tf.add(tf.mul(slot.s2!, s(sc.beta2)), tf.mul(s(sc.oneMinusBeta2), tf.mul(gv, gv)));
      let p = tf.add(P, tf.mul(s(sc.stepSize), tf.div(m, tf.add(tf.sqrt(v), s(sc.epsC2)))));
      if (sc.weightDecay > 0) p = tf.mul(p, s(sc.decayFactor));
      return { p: tf.reshape(p, param.shape), s1: m, s2: v };
    }
    if (sc.rule === 'lion') {
      const p0 = sc.weightDecay > 0 ? tf.mul(P, s(sc.decayFactor)) : P;
      const inner = tf.add(tf.mul(S1, s(sc.beta1)), tf.mul(s(sc.oneMinusBeta1), gv));
      const p = tf.sub(p0, tf.mul(s(sc.lr), npSignTensor(inner)));
      return { p: tf.reshape(p, param.shape), s1: tf.add(tf.mul(S1, s(sc.beta2)), tf.mul(s(sc.oneMinusBeta2), gv)) };
    }
    if (sc.weightDecay > 0) gv = tf.add(gv, tf.mul(P, s(sc.weightDecay)));
    let next: tf.Tensor;
    let p: tf.Tensor;
    if (sc.rule === 'momentum') {
      next = sc.step === 1 ? gv : tf.add(tf.mul(S1, s(sc.beta1)), gv);
      p = tf.add(P, tf.mul(s(-sc.lr), next));
    } else {
      next = sc.rule === 'rmsprop' ? tf.add(tf.mul(S1, s(sc.beta1)), tf.mul(s(sc.oneMinusBeta1), tf.mul(gv, gv))) : tf.add(S1, tf.mul(gv, gv));
      p = tf.add(P, tf.mul(s(-sc.lr), tf.div(gv, tf.add(tf.sqrt(next), s(sc.eps)))));
    }
    return { p: tf.reshape(p, param.shape), s1: next };
  });
}

function swap(slot: SlotTensors, key: 's1' | 'a1' | 's2' | 'a2', t: tf.Tensor | undefined): void {
  if (!t) return;
  slot[key]?.dispose();
  slot[key] = tf.keep(t);
}

export const composedKernel: OptimKernel = {
  name: 'composed',
  exact: false,
  description: 'stock tfjs ops, codes packed four per int32, no SearchSorted/BitwiseAnd; any backend (for GPU backends)',
  available: () => true,
  apply(param, grad, slot, sc, blockSize) {
    if (slot.bits === 8) {
      const out = step8(param, grad, slot, sc, blockSize);
      param.assign(out.p);
      out.p.dispose();
      swap(slot, 's1', out.s1);
      swap(slot, 'a1', out.a1);
      swap(slot, 's2', out.s2);
      swap(slot, 'a2', out.a2);
    } else {
      const out = step32(param, grad, slot, sc);
      param.assign(out.p);
      out.p.dispose();
      swap(slot, 's1', out.s1);
      swap(slot, 's2', out.s2);
    }
  },
};
