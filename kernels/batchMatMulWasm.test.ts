// The base BatchMatMul on wasm (fast kernels off: XNNPACK fed contiguous operands) with transpose
// flags: results and gradients against a float64 reference and the stock kernel; plan choice; no leaked
// intermediates. (The shared suite, kernelSuite.test.ts, covers it against the stock kernel too.)
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { chooseMatMulPlan } from './batchMatMulWasm.ts';
import { registerOctetKernels, unregisterOctetKernels } from './register.ts';
import { setupBackend } from './setup.ts';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296 - 0.5);
}

/** op(X)[b, i, j] of a row-major [batch, r, c] array. */
function at(x: Float32Array, shape: number[], t: boolean, b: number, i: number, j: number): number {
  const [rows, cols] = shape.slice(-2);
  const batch = shape.length > 2 ? shape.slice(0, -2).reduce((p, q) => p * q, 1) : 1;
  const bb = batch === 1 ? 0 : b;
  return t ? x[bb * rows * cols + j * cols + i] : x[bb * rows * cols + i * cols + j];
}

function reference(a: Float32Array, aShape: number[], b: Float32Array, bShape: number[], tA: boolean, tB: boolean): { out: Float64Array; m: number; n: number } {
  const m = tA ? aShape.at(-1)! : aShape.at(-2)!;
  const k = tA ? aShape.at(-2)! : aShape.at(-1)!;
  const n = tB ? bShape.at(-2)! : bShape.at(-1)!;
  const batch = Math.max(aShape.length > 2 ? aShape[0] : 1, bShape.length > 2 ? bShape[0] : 1);
  const out = new Float64Array(batch * m * n);
  for (let bb = 0; bb < batch; bb++)
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += at(a, aShape, tA, bb, i, p) * at(b, bShape, tB, bb, p, j);
        out[(bb * m + i) * n + j] = s;
      }
  return { out, m, n };
}

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol = 1e-4): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (Math.abs(got[i] - want[i]) > tol * (1 + Math.abs(want[i]))) throw new Error(`index ${i}: got ${got[i]}, want ${want[i]}`);
  }
}

// [aShape, bShape, transposeA, transposeB] in stored layouts.
const cases: [number[], number[], boolean, boolean][] = [
  [[5, 7], [9, 7], false, true], // Linear: x @ W^T (swap plan)
  [[40, 3], [40, 6], true, false], // weight gradient: dy^T @ x
  [[7, 5], [9, 7], true, true],
  [[3, 4, 6], [3, 5, 6], false, true], // attention q @ k^T
  [[3, 6, 4], [3, 6, 5], true, false],
  [[1, 4, 6], [3, 5, 6], false, true], // broadcast batch
  [[2, 8, 3], [2, 5, 8], true, true],
];

describe('BatchMatMul on wasm', () => {
  it.each(cases)('a %j, b %j, transposeA %s, transposeB %s: forward and gradient', async (aShape, bShape, tA, tB) => {
    await setupBackend('wasm', { fastKernels: false });
    const r = rng(aShape.length * 100 + bShape[0]);
    const a = Float32Array.from({ length: aShape.reduce((p, q) => p * q) }, r);
    const b = Float32Array.from({ length: bShape.reduce((p, q) => p * q) }, r);
    const numIds = (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
    const c = tf.matMul(tf.tensor(a, aShape), tf.tensor(b, bShape), tA, tB);
    const want = reference(a, aShape, b, bShape, tA, tB);
    expect(c.shape.slice(-2)).toEqual([want.m, want.n]);
    expectClose(await c.data(), want.out);
    tf.dispose(c);
    expect((tf.backend() as unknown as { numDataIds(): number }).numDataIds()).toBe(numIds + 2); // only a and b remain
    // tfjs-core's BatchMatMul gradient does not reduce over broadcast batch dims: forward only there.
    if (aShape.length > 2 && aShape[0] !== bShape[0]) return;
    // Gradient of sum(C ⊙ R): dA, dB against the stock kernel's (which has the same math, slowly).
    const R = tf.tensor(Float32Array.from({ length: want.out.length }, r), c.shape);
    const f = (x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x, y, tA, tB), R));
    const ours = tf.grads(f)([tf.tensor(a, aShape), tf.tensor(b, bShape)]);
    unregisterOctetKernels('wasm');
    try {
      const stock = tf.grads(f)([tf.tensor(a, aShape), tf.tensor(b, bShape)]);
      expectClose(await ours[0].data(), await stock[0].data());
      expectClose(await ours[1].data(), await stock[1].data());
    } finally {
      registerOctetKernels('wasm', { fast: false });
    }
  });

  it('picks the plan that moves fewer elements, and less memory for huge operands', () => {
    expect(chooseMatMulPlan([128, 1024], [4096, 1024], false, true)).toBe('swap'); // x @ W^T: transpose x and C, not W
    expect(chooseMatMulPlan([128, 4096], [128, 1024], true, false)).toBe('direct'); // dy^T @ x: transpose dy
    expect(chooseMatMulPlan([128, 4096], [4096, 1024], false, false)).toBe('direct'); // dy @ W: copy W (never cache it)
    expect(chooseMatMulPlan([128, 250112], [250112, 768], false, false)).toBe('swap'); // lm_head dx: 1 transient copy, not 2
    expect(chooseMatMulPlan([16, 128, 64], [16, 128, 64], false, true)).toBe('stock'); // batched: the stock loop
    expect(chooseMatMulPlan([1, 4, 6], [3, 5, 6], false, true)).toBe('stock');
  });

  it.each([[false, false], [true, false], [false, true], [true, true]])('un-batched, transposeA %s transposeB %s, both plans agree with the reference', async (tA, tB) => {
    await setupBackend('wasm', { fastKernels: false });
    const r = rng(99);
    for (const [m, k, n] of [[3, 5, 200], [200, 5, 3], [1, 7, 1]]) {
      const aShape = tA ? [k, m] : [m, k];
      const bShape = tB ? [n, k] : [k, n];
      const a = Float32Array.from({ length: m * k }, r);
      const b = Float32Array.from({ length: k * n }, r);
      const c = tf.matMul(tf.tensor2d(a, aShape as [number, number]), tf.tensor2d(b, bShape as [number, number]), tA, tB);
      expectClose(await c.data(), reference(a, aShape, b, bShape, tA, tB).out);
      tf.dispose(c);
    }
  });

  it('registerOctetKernels is idempotent and keeps the stock setup', async () => {
    await setupBackend('wasm', { fastKernels: false });
    expect(registerOctetKernels('wasm').sort()).toEqual(['BatchMatMul', 'Identity', 'UnsortedSegmentSum']);
    expect(registerOctetKernels('wasm').sort()).toEqual(['BatchMatMul', 'Identity', 'UnsortedSegmentSum']);
    const c = tf.matMul(tf.ones([2, 3]), tf.ones([4, 3]), false, true);
    expect(Array.from(await c.data())).toEqual(new Array(8).fill(3));
  });
});
