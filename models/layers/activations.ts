// Activations by transformers' ACT2FN name. "gelu" is the exact erf form (torch.nn.functional.gelu);
// "gelu_new" / "gelu_pytorch_tanh" / "gelu_fast" are the tanh approximation (0.044715, sqrt(2/pi)).
import * as tf from '@tensorflow/tfjs-core';
import type { ActivationName } from '../config/activations.ts';

const SQRT_HALF = Math.SQRT1_2;
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

export function geluErf(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, SQRT_HALF)), 1)));
}

export function geluTanh(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const inner = tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), SQRT_2_OVER_PI);
    return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
  });
}

export function activation(name: ActivationName, x: tf.Tensor): tf.Tensor {
  switch (name) {
    case 'gelu':
      return geluErf(x);
    case 'gelu_new':
    case 'gelu_fast':
    case 'gelu_pytorch_tanh':
      return geluTanh(x);
    case 'relu':
      return tf.relu(x);
    case 'silu':
    case 'swish':
      return tf.tidy(() => tf.mul(x, tf.sigmoid(x)));
    case 'tanh':
      return tf.tanh(x);
  }
}
