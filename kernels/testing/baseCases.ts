// Cases of the lookups (GatherV2, native) and of the base kernels (kernels/register.ts): scatter-add
// UnsortedSegmentSum (and the embedding gradient it computes), the buffer-sharing wasm Identity, and
// BatchMatMul as the base kernels do it (XNNPACK on wasm, the wasm module for cpu) — the matMul cases
// cover the latter.
import * as tf from '@tensorflow/tfjs-core';
import { GatherV2, Identity, UnsortedSegmentSum } from '@tensorflow/tfjs-core';
import type { KernelCase } from './cases.ts';
import { rng, uniform, valueAndGrads } from './random.ts';

function segmentReference(x: ArrayLike<number>, ids: ArrayLike<number>, segments: number, inner: number): number[] {
  const out = new Array<number>(segments * inner).fill(0);
  for (let i = 0; i < ids.length; i++) {
    if (ids[i] < 0 || ids[i] >= segments) continue;
    for (let j = 0; j < inner; j++) out[ids[i] * inner + j] += x[i * inner + j];
  }
  return out;
}

const ids = (n: number, segments: number, seed: number, lo = 0) => {
  const r = rng(seed);
  return Int32Array.from({ length: n }, () => lo + Math.floor(r() * (segments - lo)));
};

export const baseCases: KernelCase[] = [
  ...([[[500, 16], [4, 9], 0], [[6, 50, 3], [7], 1], [[5, 40], [2, 3, 2], 1], [[30], [70001], 0]] as [number[], number[], number][]).map(([shape, idShape, axis], i): KernelCase => ({
    // Forward bit-exact; the gradient sums up to 2333 rows per segment (stock cpu sums in double).
    kernel: GatherV2, name: `${JSON.stringify(shape)} by ${JSON.stringify(idShape)} ids on axis ${axis}`, tol: 2e-5,
    run: () => {
      const n = idShape.reduce((a, b) => a * b, 1);
      return valueAndGrads((x) => tf.gather(x, tf.tensor(ids(n, shape[axis], 2400 + i), idShape, 'int32'), axis), [uniform(shape, 2500 + i)], 2600 + i);
    },
  })),
  {
    kernel: UnsortedSegmentSum, name: '[30, 12] into 37 segments, out-of-range ids dropped', tol: 1e-6,
    run: () => [tf.unsortedSegmentSum(uniform([30, 12], 2100), tf.tensor1d(ids(30, 40, 2101, -3), 'int32'), 37)],
    reference: () => [segmentReference(uniform([30, 12], 2100).dataSync(), ids(30, 40, 2101, -3), 37, 12)],
  },
  {
    kernel: UnsortedSegmentSum, name: 'embedding gradient: gather of a [500, 16] table by [4, 9] ids', tol: 1e-6,
    run: () => valueAndGrads((w) => tf.gather(w, tf.tensor2d(ids(36, 500, 2200), [4, 9], 'int32')), [uniform([500, 16], 2201)], 2202),
    reference: () => {
      const index = ids(36, 500, 2200);
      const table = uniform([500, 16], 2201).dataSync();
      const weights = uniform([4, 9, 16], 2202 + 7919).dataSync();
      return [Array.from(index).flatMap((k) => Array.from(table.subarray(k * 16, k * 16 + 16))), segmentReference(weights, index, 500, 16)];
    },
  },
  {
    kernel: Identity, name: 'clone, and tensors the tape saves', tol: 0,
    run: () => valueAndGrads((x) => tf.mul(tf.clone(x), x), [uniform([9, 4], 2300)], 2301),
  },
];
