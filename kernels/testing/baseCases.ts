// Cases of the lookups (GatherV2, native) and of the base kernels (kernels/register.ts): scatter-add
// UnsortedSegmentSum (and the embedding gradient it computes), the buffer-sharing wasm Identity, and
// BatchMatMul as the base kernels do it (XNNPACK on wasm, the wasm module for cpu) — the matMul cases
// cover the latter.
import * as tf from '@tensorflow/tfjs-core';
import { BatchToSpaceND, GatherV2, Identity, PadV2, Slice, SplitV, StridedSlice, Unpack, UnsortedSegmentSum } from '@tensorflow/tfjs-core';
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
  // cpu's slicing kernels, watched for the buffer pool: unchanged results, views that outlive their source.
  {
    kernel: Slice, name: 'contiguous and strided slices, the source disposed first', tol: 0,
    run: () => {
      const x = tf.neg(uniform([6, 5, 4], 2700));
      const views = [tf.slice(x, [2, 0, 0], [3, 5, 4]), tf.slice(x, [1, 1, 1], [2, 3, 2]), tf.slice(x, [0, 3, 0], [6, 1, 4])];
      // Copies by runs (non-contiguous): a column block of int32 labels, one position of every row.
      const labels = tf.tensor2d(Array.from({ length: 32 }, (_, i) => i - 7), [4, 8], 'int32');
      views.push(tf.cast(tf.slice(labels, [0, 0], [4, 7]), 'float32'), tf.slice(x, [0, 4, 0], [6, 1, -1]));
      x.dispose();
      tf.neg(uniform([6, 5, 4], 2701)); // would reuse a pooled array
      return [...views, ...valueAndGrads((y) => tf.slice(y, [1, 0], [3, 4]), [uniform([5, 4], 2702)], 2703)];
    },
  },
  {
    // Runs of the innermost axis into their padded place: a slice's gradient (RoBERTa's <s> corner), the
    // last axis padded too, a constant, int32, a rank-1 tensor.
    kernel: PadV2, name: 'padded by runs', tol: 0,
    run: () => [
      ...valueAndGrads((x) => tf.pad(x, [[0, 0], [0, 5], [0, 0]]), [uniform([3, 1, 4], 2750)], 2751),
      ...valueAndGrads((x) => tf.pad(x, [[1, 2], [2, 3]], 1.5), [uniform([4, 5], 2752)], 2753),
      tf.cast(tf.pad(tf.tensor2d(Array.from({ length: 12 }, (_, i) => i - 4), [3, 4], 'int32'), [[1, 0], [0, 2]], -7), 'float32'),
      tf.pad(uniform([6], 2754), [[2, 3]]),
    ],
  },
  { kernel: StridedSlice, name: 'strides and a contiguous range', tol: 0, run: () => [tf.stridedSlice(tf.neg(uniform([8, 6], 2710)), [1, 0], [7, 6], [2, 1]), tf.stridedSlice(tf.neg(uniform([8, 6], 2711)), [2, 0], [5, 6], [1, 1])] },
  { kernel: SplitV, name: 'uneven split', tol: 0, run: () => tf.split(tf.neg(uniform([7, 4], 2720)), [2, 5], 0) },
  { kernel: Unpack, name: 'unstack', tol: 0, run: () => tf.unstack(tf.neg(uniform([3, 4, 2], 2730))) },
  { kernel: BatchToSpaceND, name: 'block 2', tol: 0, run: () => [tf.batchToSpaceND(tf.neg(uniform([4, 1, 1, 3], 2740)), [2, 2], [[0, 0], [0, 0]])] },
  {
    kernel: Identity, name: 'clone, and tensors the tape saves', tol: 0,
    run: () => valueAndGrads((x) => tf.mul(tf.clone(x), x), [uniform([9, 4], 2300)], 2301),
  },
];
