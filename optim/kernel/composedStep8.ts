// One chunk of an 8-bit step with tfjs ops: the same per-block procedure as the in-place kernels
// (spec §1c: dequantize with the old absmax, fp32 update, new absmax, parameter from the unquantized
// states, requantize), in the reference's operation order. Every intermediate is freed when it is dead.
// Call inside tf.tidy (the small scalars are left to it).
import * as tf from '@tensorflow/tfjs-core';
import type { StepScalars } from '../algorithms.ts';
import type { MapTensors } from './composedOps.ts';
import { axpb, blockAbsMax, dequantize, f32, npSign, packWords, requantSigned, requantUnsigned, reshapeOwned, consume } from './composedOps.ts';

export interface Chunk8In {
  /** gradient, [nb, B], the last block padded with 0; freed here */
  g: tf.Tensor;
  /** makes the parameter chunk the same way, when it is needed (freed here) */
  p: () => tf.Tensor;
  /** packed codes (int32 words) and absmax [nb] of this chunk's blocks; left alone */
  s1: tf.Tensor;
  a1: tf.Tensor;
  s2?: tf.Tensor;
  a2?: tf.Tensor;
  /** valid elements in the chunk (nb·B or fewer in the last chunk) */
  length: number;
  nb: number;
}

export interface Chunk8Out {
  p: tf.Tensor1D;
  s1: tf.Tensor1D;
  a1: tf.Tensor;
  s2?: tf.Tensor1D;
  a2?: tf.Tensor;
}

/** The valid codes of a chunk, packed four per word (bytes past the end 0). */
function packValid(codes: tf.Tensor, length: number): tf.Tensor1D {
  let flat: tf.Tensor = reshapeOwned(codes, [-1]);
  if (flat.shape[0] !== length) {
    const valid = consume(tf.slice(flat, 0, length), flat);
    flat = length % 4 === 0 ? valid : consume(tf.pad(valid, [[0, 4 - (length % 4)]], 0), valid);
  }
  return consume(packWords(flat), flat);
}

/** The first `length` elements of a [nb, B] tensor, flat. */
function validFlat(t: tf.Tensor, length: number): tf.Tensor1D {
  const flat = reshapeOwned<tf.Rank.R1>(t, [-1]);
  return flat.shape[0] === length ? flat : consume(tf.slice(flat, 0, length), flat);
}

function adamChunk(q: { signed: MapTensors; unsigned: MapTensors }, c: Chunk8In, sc: StepScalars, B: number): Chunk8Out {
  const { g: G, nb, length } = c;
  const finite = tf.isFinite(G);
  const gv = sc.gnormScale === 1 ? G : tf.mul(G, f32(sc.gnormScale)); // x·1 is x: skip it
  // v = qmap2[c2]·absmax2·beta2 + ((1 - beta2)·g)·g, then m; both zero where g is not finite
  const zero = f32(0);
  const scaled2 = tf.mul(f32(sc.oneMinusBeta2), gv);
  const sq = consume(tf.mul(scaled2, gv), scaled2);
  let v = axpb(dequantize(q.unsigned, c.s2!, c.a2!, length, nb, B, 0), sc.beta2, sq);
  v = consume(tf.where(finite, v, zero), v);
  const scaled1 = consume(tf.mul(f32(sc.oneMinusBeta1), gv), gv, G);
  let m = axpb(dequantize(q.signed, c.s1, c.a1, length, nb, B, 128), sc.beta1, scaled1);
  m = consume(tf.where(finite, m, zero), m);
  const new1 = blockAbsMax(m);
  const new2 = blockAbsMax(v);
  // p + stepSize·(m / (sqrt(v) + c2·eps)), then the decoupled decay; untouched where g is not finite
  const root = tf.sqrt(v);
  const denom = consume(tf.add(root, f32(sc.epsC2)), root);
  const ratio = consume(tf.div(m, denom), denom);
  const delta = consume(tf.mul(f32(sc.stepSize), ratio), ratio);
  // the states are requantized before the parameter is loaded: fewer copies alive at once
  const s2 = packValid(requantUnsigned(q.unsigned, v, new2), length);
  const s1 = packValid(requantSigned(q.signed, m, new1), length);
  const P = c.p();
  let pn = consume(tf.add(P, delta), delta);
  if (sc.weightDecay > 0) pn = consume(tf.mul(pn, f32(sc.decayFactor)), pn);
  pn = consume(tf.where(finite, pn, P), pn, P, finite);
  return { p: validFlat(pn, length), s1, a1: tf.reshape(new1, [nb]), s2, a2: tf.reshape(new2, [nb]) };
}

function oneStateChunk(q: { signed: MapTensors }, c: Chunk8In, sc: StepScalars, B: number): Chunk8Out {
  const { g: G, nb, length } = c;
  let gv = sc.gnormScale === 1 ? G : tf.mul(G, f32(sc.gnormScale));
  if (sc.weightDecay > 0 && sc.rule !== 'lion') {
    // coupled (L2) decay into the gradient; the parameter chunk is made again for the update below
    const P = c.p();
    const decay = consume(tf.mul(P, f32(sc.weightDecay)), P);
    gv = consume(tf.add(gv, decay), decay, gv === G ? decay : gv);
  }
  const st = dequantize(q.signed, c.s1, c.a1, length, nb, B, 128);
  let next: tf.Tensor;
  let step: tf.Tensor; // what p loses
  if (sc.rule === 'momentum') {
    next = sc.step === 1 ? gv : axpb(st, sc.beta1, gv);
    step = tf.mul(f32(sc.lr), next);
  } else if (sc.rule === 'lion') {
    const inner = axpb(tf.clone(st), sc.beta1, tf.mul(f32(sc.oneMinusBeta1), gv));
    const scaled = tf.mul(f32(sc.oneMinusBeta2), gv);
    if (gv !== G) gv.dispose();
    next = axpb(st, sc.beta2, scaled);
    const sign = consume(npSign(inner), inner);
    step = consume(tf.mul(f32(sc.lr), sign), sign);
  } else {
    const sq = tf.mul(gv, gv);
    if (gv !== G) gv.dispose(); // the update's numerator is the raw gradient
    next = sc.rule === 'rmsprop' ? axpb(st, sc.beta1, consume(tf.mul(f32(sc.oneMinusBeta1), sq), sq)) : consume(tf.add(st, sq), st, sq);
    const root = tf.sqrt(next);
    const denom = consume(tf.add(root, f32(sc.eps)), root);
    const ratio = consume(tf.div(G, denom), denom); // the raw gradient as numerator (spec §1c)
    step = consume(tf.mul(f32(sc.lr), ratio), ratio);
  }
  st.dispose();
  if (G !== next) G.dispose();
  const am = blockAbsMax(next);
  const s1 = packValid(requantSigned(q.signed, next, am), length);
  const P = c.p();
  // Lion's decoupled decay scales p before the update (element-wise, so it can wait until here)
  const p = sc.rule === 'lion' && sc.weightDecay > 0 ? consume(tf.mul(P, f32(sc.decayFactor)), P) : P;
  const pn = consume(tf.sub(p, step), step, p);
  return { p: validFlat(pn, length), s1, a1: tf.reshape(am, [nb]) };
}

export function step8Chunk(q: { signed: MapTensors; unsigned: MapTensors }, c: Chunk8In, sc: StepScalars, B: number): Chunk8Out {
  return sc.rule === 'adam' ? adamChunk(q, c, sc, B) : oneStateChunk(q, c, sc, B);
}
