// Fused kernels by name (common/fusedKernels.ts): kernels/ registers them on cpu and wasm; here we only
// ask the active backend whether it has one. Each layer that uses them keeps its composed TensorFlow.js
// ops as the fallback (GPU backends, OCTET_FAST_KERNELS=0, no native addon), with the same formula.
import * as tf from '@tensorflow/tfjs-core';

export function hasFusedKernel(name: string): boolean {
  return tf.getKernel(name, tf.getBackend()) !== undefined;
}

export function runFused(name: string, inputs: tf.NamedTensorMap, attrs: object): tf.Tensor[] {
  const out = tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap) as tf.Tensor | tf.Tensor[];
  return Array.isArray(out) ? out : [out];
}
