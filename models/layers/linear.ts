// nn.Linear with Hugging Face's layout: weight [out, in], y = x @ W^T + b.
import * as tf from '@tensorflow/tfjs-core';
import { projectionsKernel } from '../../common/fusedKernels.ts';
import { hasFusedKernel, runFused } from './fused.ts';

export function linear(x: tf.Tensor, weight: tf.Tensor, bias?: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const [outF, inF] = weight.shape;
    const lead = x.shape.slice(0, -1);
    let y = tf.matMul(tf.reshape(x, [-1, inF]), weight as tf.Tensor2D, false, true);
    if (bias) y = tf.add(y, bias);
    return tf.reshape(y, [...lead, outF]);
  });
}

/**
 * linear(x, w) for each weight (no biases): one fused kernel each way where the backend has it
 * (cpu/wasm with the native addon: kernels/projectionsNative.ts), the same products otherwise.
 */
export function projections(x: tf.Tensor, weights: tf.Tensor[]): tf.Tensor[] {
  const kernel = projectionsKernel(weights.length);
  if (!kernel || x.dtype !== 'float32' || !hasFusedKernel(kernel)) return weights.map((w) => linear(x, w));
  return runFused(kernel, { x, ...Object.fromEntries(weights.map((w, i) => [`w${i}`, w])) }, {});
}
