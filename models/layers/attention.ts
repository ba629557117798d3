// Multi-head attention core shared by RoBERTa (scaled) and T5 (unscaled, with position bias).
import * as tf from '@tensorflow/tfjs-core';
import { dropout, type RunContext } from './dropout.ts';

/** [B, L, H*D] → [B, H, L, D] */
export function splitHeads(x: tf.Tensor, numHeads: number): tf.Tensor4D {
  return tf.tidy(() => {
    const [b, l, inner] = x.shape;
    return tf.transpose(tf.reshape(x, [b, l, numHeads, inner / numHeads]), [0, 2, 1, 3]);
  });
}

/** [B, H, L, D] → [B, L, H*D] */
export function mergeHeads(x: tf.Tensor): tf.Tensor3D {
  return tf.tidy(() => {
    const [b, h, l, d] = x.shape;
    return tf.reshape(tf.transpose(x, [0, 2, 1, 3]), [b, l, h * d]);
  });
}

/**
 * softmax(q k^T · scale + bias) v over heads; q/k/v are [B, H, L, D]. `bias` broadcasts to
 * [B, H, Lq, Lk] (masks and T5's relative position bias). Softmax runs in float32, as in HF.
 */
export function scaledDotProductAttention(
  q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, bias: tf.Tensor | null, scale: number | null, ctx: RunContext, dropoutRate: number,
): tf.Tensor4D {
  return tf.tidy(() => {
    let scores: tf.Tensor = tf.matMul(q, k, false, true);
    if (scale !== null) scores = tf.mul(scores, scale);
    if (bias) scores = tf.add(scores, bias);
    const probs = dropout(tf.softmax(scores, -1), dropoutRate, ctx);
    return tf.matMul(probs as tf.Tensor4D, v);
  });
}
