// Losses as torch computes them in transformers' heads (all means, as the default reduction).
import * as tf from '@tensorflow/tfjs-core';
import { FUSED_KERNELS } from '../common/fusedKernels.ts';
import { hasFusedKernel, runFused } from './layers/fused.ts';

export const IGNORE_INDEX = -100;

/**
 * CrossEntropyLoss(ignore_index=-100): logits [..., C], int32 labels [...]; the mean over
 * non-ignored entries (NaN when every label is ignored, as torch). The gradient is written by hand,
 * (softmax − one_hot) · valid / count, so that only the logits and one log-sum-exp per row are kept
 * for the backward pass: with mT5's 250k-entry vocabulary the composed ops kept three more
 * logits-sized tensors alive through the whole step.
 */
export function crossEntropy(logits: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const numClasses = logits.shape[logits.shape.length - 1];
    const flatLogits = tf.reshape(logits, [-1, numClasses]);
    const flatLabels = tf.reshape(tf.cast(labels, 'int32'), [-1]);
    // Everything the backward pass needs goes in as an input and is saved: tensors captured by
    // closure would be disposed by this tidy before the gradient is taken.
    const loss = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const [z, y, save] = args as [tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
      const keep = tf.notEqual(y, IGNORE_INDEX);
      const valid = tf.cast(keep, 'float32');
      const weights = tf.div(valid, tf.sum(valid)); // valid / count
      const safe = tf.where(keep, y, tf.zerosLike(y)) as tf.Tensor1D;
      const lse = tf.logSumExp(z, -1, true);
      const offsets = tf.add(tf.mul(tf.range(0, z.shape[0], 1, 'int32'), tf.scalar(numClasses, 'int32')), safe);
      const picked = tf.gather(tf.reshape(z, [-1]), offsets);
      save([z, lse, safe, weights]);
      const value = tf.sum(tf.mul(tf.sub(tf.reshape(lse, [-1]), picked), weights)) as tf.Scalar;
      const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.tidy(() => {
          const [zs, l, idx, w] = saved;
          const scale = tf.mul(w, dy);
          // One pass over the logits where the backend has the fused kernel (cpu/wasm with the addon).
          if (zs.dtype === 'float32' && hasFusedKernel(FUSED_KERNELS.crossEntropyGrad)) {
            return [runFused(FUSED_KERNELS.crossEntropyGrad, { logits: zs, lse: l, labels: idx, scale }, {})[0], tf.zerosLike(idx)];
          }
          const diff = tf.sub(tf.exp(tf.sub(zs, l)), tf.oneHot(idx as tf.Tensor1D, numClasses));
          return [tf.mul(diff, tf.reshape(scale, [-1, 1])), tf.zerosLike(idx)];
        });
      return { value, gradFunc };
    });
    return loss(flatLogits, flatLabels);
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
