// The 32-bit step of the composed kernel, one output at a time: each new state, then the parameter,
// is built chunk by chunk and replaces the old one before the next is made, so at most one output and
// its chunks exist beside the old tensors (instead of every output and intermediate of the tensor).
// The operations and their order are the ones bitsandbytes' 32-bit kernels use.
import * as tf from '@tensorflow/tfjs-core';
import type { StepScalars } from '../algorithms.ts';
import type { SlotTensors } from './types.ts';
import { consume, f32, npSign } from './composedOps.ts';

/** Slices one chunk of a tensor the size of the parameter (flat). */
export type ChunkOf = (t: tf.Tensor) => tf.Tensor;
/** Builds a whole flat tensor from per-chunk pieces (each made inside its own tf.tidy). */
export type Chunked = (piece: (at: ChunkOf) => tf.Tensor) => tf.Tensor;

export interface Step32Io {
  param: tf.Variable;
  grad: tf.Tensor;
  slot: SlotTensors;
  chunked: Chunked;
  /** replaces a state (the old one is freed) */
  setState(key: 's1' | 's2', t: tf.Tensor): void;
  /** assigns the parameter (the old value is freed) */
  setParam(t: tf.Tensor): void;
}

/** x·a + b, freeing x·a and b (x is a chunk view). */
function axpb(x: tf.Tensor, a: number, b: tf.Tensor): tf.Tensor {
  const ax = tf.mul(x, f32(a));
  return consume(tf.add(ax, b), ax, b);
}

/** a·t, freeing t. */
const scale = (a: number, t: tf.Tensor) => consume(tf.mul(f32(a), t), t);

export function step32(sc: StepScalars, io: Step32Io): void {
  const { slot, chunked } = io;
  const gvOf = (at: ChunkOf) => tf.mul(at(io.grad), f32(sc.gnormScale));
  if (sc.rule === 'adam') {
    io.setState('s1', chunked((at) => axpb(at(slot.s1), sc.beta1, scale(sc.oneMinusBeta1, gvOf(at)))));
    io.setState('s2', chunked((at) => {
      const gv = gvOf(at);
      return axpb(at(slot.s2!), sc.beta2, scale(sc.oneMinusBeta2, consume(tf.mul(gv, gv), gv)));
    }));
    io.setParam(chunked((at) => {
      const root = tf.sqrt(at(slot.s2!));
      const denom = consume(tf.add(root, f32(sc.epsC2)), root);
      const ratio = consume(tf.div(at(slot.s1), denom), denom);
      const delta = scale(sc.stepSize, ratio);
      const p = consume(tf.add(at(io.param), delta), delta);
      return sc.weightDecay > 0 ? consume(tf.mul(p, f32(sc.decayFactor)), p) : p;
    }));
    return;
  }
  if (sc.rule === 'lion') {
    // the parameter first: its sign term reads the old state
    io.setParam(chunked((at) => {
      const p0 = sc.weightDecay > 0 ? tf.mul(at(io.param), f32(sc.decayFactor)) : at(io.param);
      const inner = axpb(at(slot.s1), sc.beta1, scale(sc.oneMinusBeta1, gvOf(at)));
      const sign = consume(npSign(inner), inner);
      const delta = scale(sc.lr, sign);
      return consume(tf.sub(p0, delta), p0, delta);
    }));
    io.setState('s1', chunked((at) => axpb(at(slot.s1), sc.beta2, scale(sc.oneMinusBeta2, gvOf(at)))));
    return;
  }
  // coupled decay reads the old parameter: the state first, then the parameter
  const decayed = (at: ChunkOf) => {
    const gv = gvOf(at);
    if (!(sc.weightDecay > 0)) return gv;
    const d = tf.mul(at(io.param), f32(sc.weightDecay));
    return consume(tf.add(gv, d), gv, d);
  };
  io.setState('s1', chunked((at) => {
    const gv = decayed(at);
    if (sc.rule === 'momentum') return sc.step === 1 ? gv : axpb(at(slot.s1), sc.beta1, gv);
    const sq = consume(tf.mul(gv, gv), gv);
    return sc.rule === 'rmsprop' ? axpb(at(slot.s1), sc.beta1, scale(sc.oneMinusBeta1, sq)) : consume(tf.add(at(slot.s1), sq), sq);
  }));
  io.setParam(chunked((at) => {
    const next = at(slot.s1);
    let step = next;
    if (sc.rule !== 'momentum') {
      const root = tf.sqrt(next);
      const denom = consume(tf.add(root, f32(sc.eps)), root);
      step = consume(tf.div(decayed(at), denom), denom);
    }
    return tf.add(at(io.param), step === next ? tf.mul(f32(-sc.lr), next) : scale(-sc.lr, step));
  }));
}
