// The 32-bit step of the composed kernel, one output at a time: each new state, then the parameter,
// is built chunk by chunk and replaces the old one before the next is made, so at most one output and
// its chunks exist beside the old tensors (instead of every output and intermediate of the tensor).
// The operations and their order are the ones bitsandbytes' 32-bit kernels use.
import * as tf from '@tensorflow/tfjs-core';
import type { StepScalars } from '../algorithms.ts';
import type { SlotTensors } from './types.ts';
import { axpb, consume, f32, npSign } from './composedOps.ts';

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

/** a·t, freeing t. */
const scale = (a: number, t: tf.Tensor) => consume(tf.mul(f32(a), t), t);

/** t + d, freeing both (t is a chunk view). */
const plus = (t: tf.Tensor, d: tf.Tensor) => consume(tf.add(t, d), t, d);

export function step32(sc: StepScalars, io: Step32Io): void {
  const { slot, chunked } = io;
  // every chunk view (at) is freed right after its last use: on GPU backends a slice is a copy
  const gvOf = (at: ChunkOf) => {
    const g = at(io.grad);
    return consume(tf.mul(g, f32(sc.gnormScale)), g);
  };
  if (sc.rule === 'adam') {
    io.setState('s1', chunked((at) => axpb(at(slot.s1), sc.beta1, scale(sc.oneMinusBeta1, gvOf(at)))));
    io.setState('s2', chunked((at) => {
      const gv = gvOf(at);
      return axpb(at(slot.s2!), sc.beta2, scale(sc.oneMinusBeta2, consume(tf.mul(gv, gv), gv)));
    }));
    io.setParam(chunked((at) => {
      const v = at(slot.s2!);
      const root = consume(tf.sqrt(v), v);
      const denom = consume(tf.add(root, f32(sc.epsC2)), root);
      const m = at(slot.s1);
      const ratio = consume(tf.div(m, denom), m, denom);
      const p = plus(at(io.param), scale(sc.stepSize, ratio));
      return sc.weightDecay > 0 ? consume(tf.mul(p, f32(sc.decayFactor)), p) : p;
    }));
    return;
  }
  if (sc.rule === 'lion') {
    // the parameter first: its sign term reads the old state
    io.setParam(chunked((at) => {
      const inner = axpb(at(slot.s1), sc.beta1, scale(sc.oneMinusBeta1, gvOf(at)));
      const sign = consume(npSign(inner), inner);
      const delta = scale(sc.lr, sign);
      // the decoupled decay scales p before the update (element-wise, so it can come last)
      const P = at(io.param);
      const p0 = sc.weightDecay > 0 ? consume(tf.mul(P, f32(sc.decayFactor)), P) : P;
      return consume(tf.sub(p0, delta), p0, delta);
    }));
    io.setState('s1', chunked((at) => axpb(at(slot.s1), sc.beta2, scale(sc.oneMinusBeta2, gvOf(at)))));
    return;
  }
  // coupled decay reads the old parameter: the state first, then the parameter
  const decayed = (at: ChunkOf) => {
    const gv = gvOf(at);
    if (!(sc.weightDecay > 0)) return gv;
    const P = at(io.param);
    return plus(gv, consume(tf.mul(P, f32(sc.weightDecay)), P));
  };
  io.setState('s1', chunked((at) => {
    const gv = decayed(at);
    if (sc.rule === 'momentum') return sc.step === 1 ? gv : axpb(at(slot.s1), sc.beta1, gv);
    const sq = consume(tf.mul(gv, gv), gv);
    return sc.rule === 'rmsprop' ? axpb(at(slot.s1), sc.beta1, scale(sc.oneMinusBeta1, sq)) : plus(at(slot.s1), sq);
  }));
  io.setParam(chunked((at) => {
    let step: tf.Tensor;
    if (sc.rule === 'momentum') step = at(slot.s1);
    else {
      const numerator = decayed(at);
      const next = at(slot.s1);
      const root = consume(tf.sqrt(next), next);
      const denom = consume(tf.add(root, f32(sc.eps)), root);
      step = consume(tf.div(numerator, denom), numerator, denom);
    }
    return plus(at(io.param), scale(-sc.lr, step));
  }));
}
