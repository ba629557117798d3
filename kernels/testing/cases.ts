// Cases of the shared kernel test suite (kernels/kernelSuite.test.ts), by kernel name: each computes a
// forward result and gradients with whatever kernels are registered, so that the suite can run it with
// ours and with the stock kernels and compare. Shapes are chosen to hit every path: broadcasting, odd
// sizes (vector tails), and sizes above the native kernels' threading thresholds.
import type * as tf from '@tensorflow/tfjs-core';
import { matMulCases } from './matMulCases.ts';
import { elementwiseCases } from './elementwiseCases.ts';
import { fusedCases } from './fusedCases.ts';
import { baseCases } from './baseCases.ts';

export interface KernelCase {
  /** The kernel this case is about (it may run others too). */
  kernel: string;
  name: string;
  /** Forward result(s) and gradients, computed with the registered kernels. */
  run(): tf.Tensor[];
  /** Relative (and absolute, near 0) tolerance against the stock kernels; 0 = bit-exact. */
  tol?: number;
  /** When the backend has no stock kernel (wasm UnsortedSegmentSum): an independent reference. */
  reference?(): number[][];
  /** What to run with the stock kernels instead of run(), where the stock kernel is wrong on `backend`. */
  stock?(backend: string): tf.Tensor[];
}

export const KERNEL_CASES: KernelCase[] = [...matMulCases, ...elementwiseCases, ...fusedCases, ...baseCases];
