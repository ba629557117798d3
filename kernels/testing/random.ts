// Seeded random tensors for the kernel test suite (the same inputs for ours and the stock kernels).
import * as tf from '@tensorflow/tfjs-core';

export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
}

/** Uniform in [lo, hi). */
export function uniform(shape: number[], seed: number, lo = -1, hi = 1): tf.Tensor {
  const r = rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: n }, () => lo + (hi - lo) * r()), shape);
}

/** sum(f(xs) · R) for a fixed random R per output, and its gradients with respect to every input. */
export function valueAndGrads(f: (...xs: tf.Tensor[]) => tf.Tensor, xs: tf.Tensor[], seed: number): tf.Tensor[] {
  const out = f(...xs);
  const weights = uniform(out.shape, seed + 7919);
  const grads = tf.grads((...ins: tf.Tensor[]) => tf.sum(tf.mul(f(...ins), weights)))(xs);
  return [out, ...grads];
}
