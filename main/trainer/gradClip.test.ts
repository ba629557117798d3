import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { clipByGlobalNorm } from './gradClip.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('clipByGlobalNorm', () => {
  it('scales every gradient by max/(norm+1e-6) when the global norm is too large', () => {
    // global norm of [3] and [4] is 5
    const { grads, norm } = clipByGlobalNorm({ a: tf.tensor1d([3]), b: tf.tensor1d([4]) }, 1);
    expect(norm).toBeCloseTo(5, 6);
    expect(grads.a.dataSync()[0]).toBeCloseTo(3 / (5 + 1e-6), 6);
    expect(grads.b.dataSync()[0]).toBeCloseTo(4 / (5 + 1e-6), 6);
  });
  it('leaves small gradients alone and reports NaN norms without clipping', () => {
    const small = clipByGlobalNorm({ a: tf.tensor1d([0.3, 0.4]) }, 1);
    expect(Array.from(small.grads.a.dataSync())).toEqual([Math.fround(0.3), Math.fround(0.4)]);
    const bad = clipByGlobalNorm({ a: tf.tensor1d([Number.NaN]) }, 1);
    expect(Number.isNaN(bad.norm)).toBe(true);
  });
  it('does not leak tensors', () => {
    const before = tf.memory().numTensors;
    const { grads } = clipByGlobalNorm({ a: tf.tensor1d([30]), b: tf.tensor1d([40]) }, 1);
    Object.values(grads).forEach((g) => g.dispose());
    expect(tf.memory().numTensors).toBe(before);
  });
});
