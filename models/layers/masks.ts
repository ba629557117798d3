// Additive attention masks exactly as Hugging Face builds them: (1 - mask) * finfo(float32).min.
import * as tf from '@tensorflow/tfjs-core';

/** torch.finfo(torch.float32).min */
export const FLOAT32_MIN = -3.4028234663852886e38;

/** [B, L] 1/0 key mask → additive [B, 1, 1, L]. */
export function keyMaskBias(attentionMask: tf.Tensor): tf.Tensor4D {
  return tf.tidy(() => {
    const [b, l] = attentionMask.shape;
    const inv = tf.sub(1, tf.cast(attentionMask, 'float32'));
    return tf.reshape(tf.mul(inv, FLOAT32_MIN), [b, 1, 1, l]);
  });
}

/** Causal (and optionally key-padding) additive mask [B or 1, 1, T, T]. */
export function causalMaskBias(length: number, keyMask?: tf.Tensor): tf.Tensor4D {
  return tf.tidy(() => {
    const lower = new Float32Array(length * length);
    for (let i = 0; i < length; i++) lower.fill(1, i * length, i * length + i + 1);
    let allowed: tf.Tensor = tf.tensor4d(lower, [1, 1, length, length]);
    if (keyMask) {
      const [b, l] = keyMask.shape;
      allowed = tf.mul(allowed, tf.reshape(tf.cast(keyMask, 'float32'), [b, 1, 1, l]));
    }
    return tf.mul(tf.sub(1, allowed), FLOAT32_MIN) as tf.Tensor4D;
  });
}
