// Losses as torch computes them in transformers' heads (all means, as the default reduction).
import * as tf from '@tensorflow/tfjs-core';

export const IGNORE_INDEX = -100;

/**
 * CrossEntropyLoss(ignore_index=-100): logits [N, C], int32 labels [N]; the mean over non-ignored
 * entries (NaN when every label is ignored, as torch).
 */
export function crossEntropy(logits: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const numClasses = logits.shape[logits.shape.length - 1];
    const flatLogits = tf.reshape(logits, [-1, numClasses]);
    const flatLabels = tf.reshape(tf.cast(labels, 'int32'), [-1]);
    const valid = tf.notEqual(flatLabels, IGNORE_INDEX);
    const safe = tf.where(valid, flatLabels, tf.zerosLike(flatLabels));
    const logp = tf.logSoftmax(flatLogits, -1);
    const picked = tf.sum(tf.mul(logp, tf.oneHot(safe, numClasses)), -1);
    const weights = tf.cast(valid, 'float32');
    return tf.div(tf.neg(tf.sum(tf.mul(picked, weights))), tf.sum(weights)) as tf.Scalar;
  });
}

/** MSELoss(): mean of squared differences. */
export function meanSquaredError(pred: tf.Tensor, target: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.square(tf.sub(pred, tf.cast(target, 'float32')))) as tf.Scalar);
}

/** BCEWithLogitsLoss(): mean of max(x,0) − x·y + log(1 + exp(−|x|)). */
export function bceWithLogits(logits: tf.Tensor, targets: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const y = tf.cast(targets, 'float32');
    const terms = tf.add(tf.sub(tf.relu(logits), tf.mul(logits, y)), tf.log1p(tf.exp(tf.neg(tf.abs(logits)))));
    return tf.mean(terms) as tf.Scalar;
  });
}
