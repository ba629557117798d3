// What a kernel is (this folder is kernel/, singular: the lint rule reserves kernels/ for the tfjs backend kernels). Two levels:
// - an ArrayKernel updates plain typed arrays in place (the reference, fused JS and fused native kernels
//   share this shape, so the conformance runner and tests can drive any of them on raw buffers);
// - an OptimKernel updates one parameter's tensors on a tfjs backend (in place in the backend's own
//   buffers for cpu/wasm, or with tfjs ops for the composed kernel).
import type * as tf from '@tensorflow/tfjs-core';
import type { StepScalars } from '../algorithms.ts';

export const KERNEL_NAMES = ['reference', 'fused-js', 'fused-native', 'composed'] as const;
export type KernelName = (typeof KERNEL_NAMES)[number];

/** 8-bit state of one parameter as raw arrays. c1/c2 are one byte per element (views into packed int32). */
export interface Buffers8 {
  p: Float32Array;
  g: Float32Array;
  c1: Uint8Array;
  a1: Float32Array;
  c2?: Uint8Array;
  a2?: Float32Array;
}

export interface Buffers32 {
  p: Float32Array;
  g: Float32Array;
  s1: Float32Array;
  s2?: Float32Array;
}

export interface ArrayKernel {
  step8(sc: StepScalars, blockSize: number, b: Buffers8): void;
  step32(sc: StepScalars, b: Buffers32): void;
  /** block-wise quantize (used for the conformance rows of blockwise_quant.json) */
  quantize(x: Float32Array, blockSize: number, code: Float32Array): { codes: Uint8Array; absmax: Float32Array };
}

/** One parameter's optimizer state as tensors on the current backend. */
export interface SlotTensors {
  bits: 8 | 32;
  /** number of elements of the parameter */
  n: number;
  /** 8-bit: int32 [ceil(n/4)] (four codes per element); 32-bit: float32 [n] */
  s1: tf.Tensor;
  /** 8-bit: float32 [ceil(n/blockSize)] */
  a1?: tf.Tensor;
  s2?: tf.Tensor;
  a2?: tf.Tensor;
}

export interface OptimKernel {
  readonly name: KernelName;
  /** true: must give exactly the reference's bytes */
  readonly exact: boolean;
  readonly description: string;
  /** Whether the kernel can run on this backend now (the native one also needs the addon). */
  available(backendName: string): boolean;
  /** One step for one parameter: updates `param` and the slot's tensors (in place or by replacing them). */
  apply(param: tf.Variable, grad: tf.Tensor, slot: SlotTensors, sc: StepScalars, blockSize: number): void;
}
