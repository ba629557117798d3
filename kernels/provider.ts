// What registerOctetKernels (kernels/register.ts) chooses from: one provider per kernel implementation.
import type { KernelConfig } from '@tensorflow/tfjs-core';

export interface KernelSetOptions {
  /** The fast kernels of issue 7 (native SGEMM, fused ops). Default: OCTET_FAST_KERNELS !== '0'. */
  fast: boolean;
  /** Fast kernels may use the native addon (else their TypeScript versions, where they have one). Default: OCTET_NATIVE !== '0'. */
  native: boolean;
  /** `cpu` only, without native matmuls: compute large matrix products in the wasm module. */
  wasmMatMul: boolean;
  /**
   * The base kernels (default true). False leaves only what training cannot do without (the
   * scatter-add UnsortedSegmentSum: wasm has none, cpu's makes a pass per vocabulary row): the
   * benchmark's "stock TensorFlow.js" baseline.
   */
  base: boolean;
}

export interface KernelProvider {
  /** Unique name of this implementation (tests and the benchmark list them). */
  id: string;
  backend: 'cpu' | 'wasm';
  kernelName: string;
  /** Registered even without base kernels (see KernelSetOptions.base). */
  required?: boolean;
  /** Whether it applies under these options; absent: always. */
  when?(o: KernelSetOptions): boolean;
  /** Our kernel, given the stock one; null: not available (e.g. nothing to wrap). */
  make(stock: KernelConfig | undefined): KernelConfig | null;
}
