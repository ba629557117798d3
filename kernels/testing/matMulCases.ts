// BatchMatMul and _FusedMatMul cases: every transpose combination, batched and broadcast products,
// sizes under and over the native SGEMM's blocking and threading thresholds.
import * as tf from '@tensorflow/tfjs-core';
import { BatchMatMul, _FusedMatMul } from '@tensorflow/tfjs-core';
import type { KernelCase } from './cases.ts';
import { uniform, valueAndGrads } from './random.ts';

type Shapes = [number[], number[], boolean, boolean];

const SHAPES: Shapes[] = [
  [[5, 7], [9, 7], false, true],
  [[40, 3], [40, 6], true, false],
  [[7, 5], [9, 7], true, true],
  [[13, 300], [300, 33], false, false], // K over one 256 block, ragged M/N
  [[150, 70], [90, 70], false, true], // several row blocks
  [[300, 260], [300, 100], true, false], // > 2^18 multiply-adds: threaded
  [[3, 4, 6], [3, 5, 6], false, true],
  [[3, 6, 4], [3, 6, 5], true, false],
  [[2, 8, 3], [2, 5, 8], true, true],
  [[16, 40, 24], [16, 24, 40], false, false], // batched, item-parallel
  [[2000, 150], [150, 20], false, false], // n ≤ 32: A read in place, threaded
  [[150, 2000], [20, 150], true, true],
  [[64, 100, 40], [64, 40, 8], false, false], // attention probs·V shape, batched
  [[3000, 32], [3000, 48], true, false], // a weight gradient (xᵀ·dy): split along K, ragged chunks
  [[3, 70], [1000, 70], false, true], // a few rows × a wide weight (x·Wᵀ, ≥ 64 Ki floats): computed as W·xᵀ, transposed back
  [[8, 40], [5000, 40], false, true], // the same, threaded, several column blocks
  [[32, 130], [600, 130], false, true], // the most rows that go that way, K over 128
];
const BROADCAST: Shapes[] = [
  [[1, 4, 6], [3, 5, 6], false, true],
  [[2, 3, 6, 4], [4, 5], false, false],
];

export const matMulCases: KernelCase[] = [
  ...SHAPES.map(([a, b, tA, tB], i): KernelCase => ({
    // Float sums in different orders: the gradients sum over up to 2000 rows.
    kernel: BatchMatMul, name: `${JSON.stringify(a)}·${JSON.stringify(b)} tA=${tA} tB=${tB}`, tol: Math.max(...a, ...b) >= 1000 ? 1e-4 : 2e-5,
    run: () => valueAndGrads((x, y) => tf.matMul(x, y, tA, tB), [uniform(a, 10 + i), uniform(b, 20 + i)], i),
  })),
  ...BROADCAST.map(([a, b, tA, tB], i): KernelCase => ({
    kernel: BatchMatMul, name: `broadcast ${JSON.stringify(a)}·${JSON.stringify(b)} (forward)`, tol: 2e-5,
    run: () => [tf.matMul(uniform(a, 30 + i), uniform(b, 40 + i), tA, tB)],
  })),
  ...([['linear', [[33, 20], [20, 17], false, false]], ['relu', [[20, 33], [17, 20], true, true]], ['relu', [[4, 70, 50], [4, 30, 50], false, true]], ['linear', [[260, 300], [300, 64], false, false]], ['relu', [[1500, 20], [1500, 30], true, false]], ['relu', [[5, 64], [3000, 64], false, true]]] as [string, Shapes][]).map(
    ([activation, [a, b, tA, tB]], i): KernelCase => {
      const n = tB ? b[b.length - 2] : b[b.length - 1];
      const inputs = () => [uniform(a, 50 + i), uniform(b, 60 + i), uniform([n], 70 + i)];
      return {
      kernel: _FusedMatMul, name: `${activation}, bias, ${JSON.stringify(a)}·${JSON.stringify(b)} tA=${tA} tB=${tB}`, tol: 2e-5,
      run: () => valueAndGrads((x, y, bias) => tf.fused.matMul({ a: x, b: y, transposeA: tA, transposeB: tB, bias, activation: activation as 'relu' }), inputs(), 80 + i),
      // tfjs-backend-wasm 4.22's _FusedMatMul gets batched products and products with both operands
      // transposed wrong (checked against cpu): on wasm the reference is the same product composed of
      // stock BatchMatMul, Add and Relu.
      stock: (backend) => valueAndGrads((x, y, bias) => {
        if (backend !== 'wasm') return tf.fused.matMul({ a: x, b: y, transposeA: tA, transposeB: tB, bias, activation: activation as 'relu' });
        const z = tf.add(tf.matMul(x, y, tA, tB), bias);
        return activation === 'relu' ? tf.relu(z) : z;
      }, inputs(), 80 + i),
      };
    },
  ),
];
