// The cpu backend's BatchMatMul routed through the wasm module equals the JS kernel, forward and
// gradient, and small products stay in JS.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { octetKernelProviders, registerOctetKernels } from './register.ts';
import { setupBackend } from './setup.ts';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296 - 0.5);
}

const cases: [number[], number[], boolean, boolean][] = [
  [[64, 96], [80, 96], false, true],
  [[96, 64], [96, 80], true, false],
  [[64, 96], [96, 80], false, false],
  [[4, 32, 48], [4, 40, 48], false, true],
  [[3, 5], [5, 2], false, false], // small: stays in JS
];

describe('cpu BatchMatMul through wasm', () => {
  it.each(cases)('a %j, b %j, transposeA %s, transposeB %s equals the JS kernel (forward, gradient)', async (aShape, bShape, tA, tB) => {
    await setupBackend('cpu', { fastKernels: false });
    expect(octetKernelProviders('cpu').BatchMatMul).toBe('matmul-cpu-via-wasm');
    const r = rng(aShape[0] * 7 + bShape[1]);
    const a = tf.tensor(Float32Array.from({ length: aShape.reduce((p, q) => p * q) }, r), aShape);
    const b = tf.tensor(Float32Array.from({ length: bShape.reduce((p, q) => p * q) }, r), bShape);
    const f = (x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.square(tf.matMul(x, y, tA, tB)));
    const viaWasm = [await tf.matMul(a, b, tA, tB).data(), ...(await Promise.all(tf.grads(f)([a, b]).map((g) => g.data())))];
    registerOctetKernels('cpu', { wasmMatMul: false });
    try {
      const js = [await tf.matMul(a, b, tA, tB).data(), ...(await Promise.all(tf.grads(f)([a, b]).map((g) => g.data())))];
      viaWasm.forEach((v, i) => v.forEach((x, j) => expect(Math.abs(x - js[i][j])).toBeLessThanOrEqual(1e-4 * (1 + Math.abs(js[i][j])))));
    } finally {
      registerOctetKernels('cpu', { wasmMatMul: true });
    }
    expect(tf.getBackend()).toBe('cpu');
  });
});
