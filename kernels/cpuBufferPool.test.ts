// The cpu buffer pool reuses our kernels' output arrays, but never one that was read out or viewed by a
// slice, and serves only while the fast kernels are registered.
import * as tf from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { describe, expect, it } from 'vitest';
import { tensorKernelsNative } from '../native/tensorKernels.ts';
import { cpuBufferPool } from './cpuBufferPool.ts';
import { setupBackend } from './setup.ts';

const native = tensorKernelsNative(() => {}) !== null;
const pool = () => cpuBufferPool(tf.backend() as MathBackendCPU);

describe.skipIf(!native)('cpu buffer pool', () => {
  it('reuses the arrays of disposed outputs of the same length', async () => {
    await setupBackend('cpu', { fastKernels: true });
    expect(pool().enabled).toBe(true);
    const x = tf.ones([300, 300]);
    tf.exp(x).dispose();
    const hits = pool().hits;
    for (let i = 0; i < 5; i++) tf.exp(x).dispose();
    expect(pool().hits - hits).toBe(5);
    x.dispose();
  });

  it('never reuses an array that was read out', async () => {
    await setupBackend('cpu', { fastKernels: true });
    const y = tf.exp(tf.zeros([1000]));
    const values = y.dataSync();
    y.dispose();
    for (let i = 0; i < 3; i++) tf.neg(tf.fill([1000], 7)).dispose();
    expect(Array.from(new Set(values))).toEqual([1]);
  });

  it('never reuses an array a slice still views', async () => {
    await setupBackend('cpu', { fastKernels: true });
    const y = tf.exp(tf.zeros([10, 100]));
    const view = tf.slice(y, [2, 0], [3, 100]); // contiguous: a subarray of y's array
    y.dispose();
    for (let i = 0; i < 3; i++) tf.neg(tf.fill([10, 100], 7)).dispose();
    expect(Array.from(new Set(await view.data()))).toEqual([1]);
    view.dispose();
  });

  it('serves only with the fast kernels, and retires its arrays when they are switched off', async () => {
    await setupBackend('cpu', { fastKernels: true });
    const kept = tf.exp(tf.zeros([500]));
    await setupBackend('cpu', { fastKernels: false });
    expect(pool().enabled).toBe(false);
    expect(pool().bytes).toBe(0);
    await setupBackend('cpu', { fastKernels: true });
    kept.dispose(); // made before the switch: not reused
    expect(pool().bytes).toBe(0);
  });
});
