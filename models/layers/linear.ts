// nn.Linear with Hugging Face's layout: weight [out, in], y = x @ W^T + b.
import * as tf from '@tensorflow/tfjs-core';

export function linear(x: tf.Tensor, weight: tf.Tensor, bias?: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const [outF, inF] = weight.shape;
    const lead = x.shape.slice(0, -1);
    let y = tf.matMul(tf.reshape(x, [-1, inF]), weight as tf.Tensor2D, false, true);
    if (bias) y = tf.add(y, bias);
    return tf.reshape(y, [...lead, outF]);
  });
}
