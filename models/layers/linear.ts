// nn.Linear with Hugging Face's layout: weight [out, in], y = x @ W^T + b; and several of them on one
// input. One fused kernel each way where the backend has it (cpu/wasm with the native addon:
// kernels/projectionsNative.ts), else the composed ops below (the same products, bias added after).
import * as tf from '@tensorflow/tfjs-core';
import { projectionsKernel } from '../../common/fusedKernels.ts';
import { hasFusedKernel, runFused } from './fused.ts';

function linearComposed(x: tf.Tensor, weight: tf.Tensor, bias?: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const [outF, inF] = weight.shape;
    const lead = x.shape.slice(0, -1);
    let y = tf.matMul(tf.reshape(x, [-1, inF]), weight as tf.Tensor2D, false, true);
    if (bias) y = tf.add(y, bias);
    return tf.reshape(y, [...lead, outF]);
  });
}

export function linear(x: tf.Tensor, weight: tf.Tensor, bias?: tf.Tensor): tf.Tensor {
  return projections(x, [weight], bias ? [bias] : undefined)[0];
}

/** linear(x, weights[i], biases?.[i]) for each weight (biases for all or none). */
export function projections(x: tf.Tensor, weights: tf.Tensor[], biases?: tf.Tensor[]): tf.Tensor[] {
  const kernel = projectionsKernel(weights.length);
  if (!kernel || x.dtype !== 'float32' || !hasFusedKernel(kernel)) return weights.map((w, i) => linearComposed(x, w, biases?.[i]));
  const named: tf.NamedTensorMap = { x };
  weights.forEach((w, i) => {
    named[`w${i}`] = w;
    if (biases) named[`b${i}`] = biases[i];
  });
  return runFused(kernel, named, {});
}
