// Our UnsortedSegmentSum against a float64 reference and the stock cpu kernel, forward and gradient,
// on both backends.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { registerOctetKernels, unregisterOctetKernels } from './register.ts';
import { setupBackend } from './setup.ts';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
}

function reference(x: ArrayLike<number>, ids: ArrayLike<number>, segments: number, inner: number): Float64Array {
  const out = new Float64Array(segments * inner);
  for (let i = 0; i < ids.length; i++) {
    if (ids[i] < 0 || ids[i] >= segments) continue;
    for (let j = 0; j < inner; j++) out[ids[i] * inner + j] += x[i * inner + j];
  }
  return out;
}

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol = 1e-5): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (Math.abs(got[i] - want[i]) > tol * (1 + Math.abs(want[i]))) throw new Error(`index ${i}: got ${got[i]}, want ${want[i]}`);
  }
}

describe.each(['cpu', 'wasm'] as const)('UnsortedSegmentSum on %s', (backend) => {
  it('matches the reference for float32/int32, multi-dimensional ids, dropped out-of-range ids', async () => {
    await setupBackend(backend);
    const r = rng(1);
    const segments = 37;
    const x = Float32Array.from({ length: 6 * 5 * 3 * 4 }, () => r() * 2 - 1);
    const ids = Int32Array.from({ length: 6 * 5 }, () => Math.floor(r() * (segments + 6)) - 3);
    const out = tf.unsortedSegmentSum(tf.tensor4d(x, [6, 5, 3, 4]), tf.tensor2d(ids, [6, 5], 'int32') as unknown as tf.Tensor1D, segments);
    expect(out.shape).toEqual([segments, 3, 4]);
    expectClose(await out.data(), reference(x, ids, segments, 12));
    const xi = Int32Array.from({ length: 40 }, () => Math.floor(r() * 100) - 50);
    const idsi = Int32Array.from({ length: 10 }, () => Math.floor(r() * 4));
    const outi = tf.unsortedSegmentSum(tf.tensor2d(xi, [10, 4], 'int32'), tf.tensor1d(idsi, 'int32'), 4);
    expect(outi.dtype).toBe('int32');
    expect(Array.from(await outi.data())).toEqual(Array.from(reference(xi, idsi, 4, 4)));
    tf.dispose([out, outi]);
  });

  it('gradients: of gather (the embedding case) and of UnsortedSegmentSum itself', async () => {
    await setupBackend(backend);
    const r = rng(2);
    const vocab = 50;
    const dim = 6;
    const w = tf.variable(tf.tensor2d(Float32Array.from({ length: vocab * dim }, () => r()), [vocab, dim]), true, `uss-w-${backend}`);
    const idx = Int32Array.from({ length: 2 * 7 }, () => Math.floor(r() * vocab));
    const weights = Float32Array.from({ length: 2 * 7 * dim }, () => r() * 2 - 1);
    const { grads } = tf.variableGrads(() => tf.sum(tf.mul(tf.gather(w, tf.tensor2d(idx, [2, 7], 'int32')), tf.tensor3d(weights, [2, 7, dim]))), [w]);
    expectClose(await grads[w.name].data(), reference(weights, idx, vocab, dim));
    const segments = 9;
    const ids = Int32Array.from({ length: 12 }, () => Math.floor(r() * (segments + 2)) - 1);
    const upstream = Float32Array.from({ length: segments * 3 }, () => r());
    const g = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.unsortedSegmentSum(x, tf.tensor1d(ids, 'int32'), segments), tf.tensor2d(upstream, [segments, 3]))));
    const dx = await g(tf.zeros([12, 3])).data();
    const want = Array.from(ids).flatMap((s) => [0, 1, 2].map((j) => (s >= 0 && s < segments ? upstream[s * 3 + j] : 0)));
    expectClose(dx, want);
    tf.dispose([w, grads]);
  });
});

describe('UnsortedSegmentSum on cpu', () => {
  it('equals the stock kernel (which makes one pass per segment)', async () => {
    await setupBackend('cpu');
    const r = rng(3);
    const x = tf.tensor2d(Float32Array.from({ length: 64 * 8 }, () => r() - 0.5), [64, 8]);
    const ids = tf.tensor1d(Int32Array.from({ length: 64 }, () => Math.floor(r() * 20)), 'int32');
    const ours = await tf.unsortedSegmentSum(x, ids, 20).data();
    unregisterOctetKernels('cpu');
    try {
      const stock = await tf.unsortedSegmentSum(x, ids, 20).data();
      expectClose(ours, stock, 1e-6);
    } finally {
      registerOctetKernels('cpu');
    }
  });

  it('is one pass: an 8000-row vocabulary gradient takes milliseconds', async () => {
    await setupBackend('cpu');
    const x = tf.ones([512, 64]);
    const ids = tf.tensor1d(Int32Array.from({ length: 512 }, (_, i) => (i * 7919) % 8000), 'int32');
    const t = performance.now();
    const out = tf.unsortedSegmentSum(x, ids, 8000);
    await out.data();
    expect(performance.now() - t).toBeLessThan(2000);
    tf.dispose([x, ids, out]);
  });
});
