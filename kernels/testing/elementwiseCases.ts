// Elementwise, reduction, softmax and transpose cases: broadcasting patterns of the models (bias rows,
// per-row statistics, attention masks), odd lengths (vector tails), sizes above the threading threshold.
import * as tf from '@tensorflow/tfjs-core';
import { Exp, Softmax, Transpose } from '@tensorflow/tfjs-core';
import { BINARY_KERNELS, REDUCE_KERNELS, UNARY_KERNELS } from '../elementwiseNative.ts';
import type { KernelCase } from './cases.ts';
import { uniform, valueAndGrads } from './random.ts';

const BINARY_OPS: Record<string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor> = {
  Add: tf.add, Sub: tf.sub, Multiply: tf.mul, RealDiv: tf.div, Maximum: tf.maximum, Minimum: tf.minimum, SquaredDifference: tf.squaredDifference,
};
const BROADCASTS: [number[], number[]][] = [
  [[37, 19], [37, 19]],
  [[37, 19], [19]], // bias row
  [[37, 19], [37, 1]], // per-row statistic
  [[1], [5, 3]], // scalar first
  [[2, 3, 7, 7], [2, 1, 1, 7]], // attention mask
  [[3, 1, 5], [1, 4, 1]], // both ways
  [[300, 257], [257]], // threaded
];

const UNARY_OPS: Record<string, [(x: tf.Tensor) => tf.Tensor, number, number]> = {
  Exp: [tf.exp, -4, 4], Erf: [tf.erf, -3, 3], Tanh: [tf.tanh, -4, 4], Sigmoid: [tf.sigmoid, -6, 6], Rsqrt: [tf.rsqrt, 0.1, 3],
  Sqrt: [tf.sqrt, 0.1, 3], Square: [tf.square, -3, 3], Floor: [tf.floor, -3, 3], Neg: [tf.neg, -3, 3], Abs: [tf.abs, -3, 3],
  Log: [tf.log, 0.1, 3], Relu: [tf.relu, -3, 3], Reciprocal: [tf.reciprocal, 0.5, 3],
};

const REDUCE_OPS: Record<string, (x: tf.Tensor, axis: number | number[] | undefined, keep: boolean) => tf.Tensor> = {
  Sum: tf.sum, Mean: tf.mean, Max: tf.max, Min: tf.min,
};
const REDUCTIONS: [number[], number | number[] | undefined, boolean][] = [
  [[37, 19], -1, false], [[37, 19], 0, false], [[4, 9, 13], [1, 2], true], [[4, 9, 13], 1, false], [[6, 1, 11], [0, 1], false],
  [[5, 7], undefined, false], [[1030, 257], 0, false], [[1030, 257], 1, true],
];

const TRANSPOSES: [number[], number[]][] = [
  [[7, 13], [1, 0]], [[2, 5, 3, 8], [0, 2, 1, 3]], [[5, 6, 3], [2, 0, 1]], [[3, 9, 20], [0, 2, 1]], [[2, 3, 4, 5, 6], [4, 1, 3, 0, 2]],
  [[130, 270], [1, 0]],
];

// Maximum/Minimum: inputs far apart so that no two entries tie (the gradient picks one side).
const apart = (shape: number[], seed: number, offset: number) => tf.add(uniform(shape, seed, 0, 0.4), offset);

export const elementwiseCases: KernelCase[] = [
  ...Object.entries(BINARY_KERNELS).flatMap(([kernel]) =>
    BROADCASTS.map(([a, b], i): KernelCase => ({
      // The gradient sums over broadcast axes: float sums of up to 300 terms (wasm's stock Sum accumulates in float).
      kernel, name: `${JSON.stringify(a)} ∘ ${JSON.stringify(b)}`, tol: 2e-5,
      run: () => {
        const x = kernel === 'Maximum' || kernel === 'Minimum' ? apart(a, i, (i % 2) - 0.2) : uniform(a, i, -2, 2);
        const y = kernel === 'RealDiv' ? uniform(b, 100 + i, 0.5, 1.5) : kernel === 'Maximum' || kernel === 'Minimum' ? apart(b, 100 + i, 0) : uniform(b, 100 + i, -2, 2);
        // tfjs-core's Maximum/Minimum/SquaredDifference gradients do not reduce broadcast axes: forward only there.
        const noBroadcastGrad = ['Maximum', 'Minimum', 'SquaredDifference'].includes(kernel) && JSON.stringify(a) !== JSON.stringify(b);
        return noBroadcastGrad ? [BINARY_OPS[kernel](x, y)] : valueAndGrads(BINARY_OPS[kernel], [x, y], 200 + i);
      },
    })),
  ),
  ...Object.entries(UNARY_KERNELS).flatMap(([kernel]) =>
    [[3, 5], [1001], [70000]].map((shape, i): KernelCase => ({
      kernel, name: JSON.stringify(shape), tol: 2e-6,
      run: () => {
        const [f, lo, hi] = UNARY_OPS[kernel];
        return valueAndGrads(f, [uniform(shape, 300 + i, lo, hi)], 400 + i);
      },
    })),
  ),
  // Non-finite inputs: NaN stays NaN, exp overflows to ∞ and underflows to 0 (values between 88.376 and
  // 88.7228 are left out: there the vector exp stays at exp(88.376), see native/src/kernels/vecmath.h).
  {
    kernel: Exp, name: 'NaN, ±∞, overflow, underflow', tol: 2e-6,
    run: () => [tf.exp(tf.tensor1d(Array.from({ length: 37 }, (_, i) => [Number.NaN, Infinity, -Infinity, 89, 120, -87.5, -100, 0.5, 88.3][i % 9])))],
  },
  ...Object.entries(REDUCE_KERNELS).flatMap(([kernel]) =>
    REDUCTIONS.map(([shape, axis, keep], i): KernelCase => ({
      // Sums of up to 1030 terms: wasm's stock kernels accumulate in float, ours (and cpu's) in double.
      kernel, name: `${JSON.stringify(shape)} axis ${JSON.stringify(axis)}${keep ? ' keepDims' : ''}`, tol: 1e-4,
      run: () => valueAndGrads((x) => REDUCE_OPS[kernel](x, axis, keep), [uniform(shape, 500 + i, -2, 2)], 600 + i),
    })),
  ),
  // Ties of ±0 and NaN, bit for bit: the stock kernels keep the first of equal extremes (−0 and +0 tie)
  // and a NaN wins. Rows of 37 (the vector scan and its tail) with −0 and +0 at positions i and j.
  ...(['Max', 'Min'] as const).map((kernel): KernelCase => ({
    kernel, name: 'signed zeros and NaN, rows of 37', tol: 0,
    run: () => {
      const pairs = [[0, 1], [1, 0], [0, 5], [3, 20], [20, 3], [16, 32], [33, 35], [35, 33], [8, 9], [9, 8]];
      const far = kernel === 'Max' ? -1 : 1; // the other values lie on the far side of 0 from the extreme
      const rows = pairs.map(([i, j]) => Array.from({ length: 37 }, (_, k) => (k === i ? -0 : k === j ? 0 : far * (1 + (k % 5)))));
      rows.push(Array.from({ length: 37 }, (_, k) => (k === 17 ? Number.NaN : far * (1 + (k % 5)))));
      rows.push(Array.from({ length: 37 }, (_, k) => (k === 0 ? 0 : -0)));
      return [REDUCE_OPS[kernel](tf.tensor2d(rows), 1, false)];
    },
  })),
  ...[[[6, 10], false], [[2, 3, 5, 33], true], [[300, 130], false]].map(([shape, masked], i): KernelCase => ({
    kernel: Softmax, name: `${JSON.stringify(shape)}${masked ? ' with a -3.4e38 mask' : ''}`, tol: 2e-6,
    run: () => {
      const s = shape as number[];
      let x = uniform(s, 700 + i, -5, 5);
      if (masked) x = tf.add(x, tf.mul(tf.cast(tf.greater(uniform([s[0], 1, 1, s[3]], 800 + i, 0, 1), 0.7), 'float32'), -3.4028234663852886e38));
      return valueAndGrads((z) => tf.softmax(z), [x], 900 + i);
    },
  })),
  {
    // A row with a NaN, one with +∞ (∞ − ∞ is NaN): all NaN, as the stock kernels give.
    kernel: Softmax, name: '[4, 37] with NaN and +∞ rows', tol: 2e-6,
    run: () => {
      const x = uniform([4, 37], 710, -5, 5).arraySync() as number[][];
      x[1][20] = Number.NaN;
      x[2][3] = Infinity;
      return [tf.softmax(tf.tensor2d(x))];
    },
  },
  ...TRANSPOSES.map(([shape, perm], i): KernelCase => ({
    kernel: Transpose, name: `${JSON.stringify(shape)} perm ${JSON.stringify(perm)}`, tol: 0,
    run: () => valueAndGrads((x) => tf.transpose(x, perm), [uniform(shape, 1000 + i)], 1100 + i),
  })),
];
