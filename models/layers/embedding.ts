// Embedding lookup with nn.Embedding(padding_idx) semantics: the padding row gets no gradient. The
// gradient is one scatter-add of the output's gradient into [vocab, dim] — tf.gather's own gradient
// wraps that scatter in two (identity) transposes, one of them copying the whole [vocab, dim] result.
import * as tf from '@tensorflow/tfjs-core';

export function embeddingLookup(weight: tf.Tensor, ids: tf.Tensor, paddingIdx: number | null): tf.Tensor {
  // ids go in as an input (saved for the backward pass), not by closure: they may be an intermediate
  // of a tidy that ends before the gradient is taken.
  const lookup = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [w, idx, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    save([idx]);
    const value = tf.gather(w, idx);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [rows, dim] = w.shape;
      const flatIds = tf.reshape(saved[0], [-1]) as tf.Tensor1D;
      const rowsGrad = tf.reshape(dy, [-1, dim]);
      if (paddingIdx === null) return [tf.unsortedSegmentSum(rowsGrad, flatIds, rows), tf.zerosLike(saved[0])];
      const keep = tf.expandDims(tf.cast(tf.notEqual(flatIds, paddingIdx), 'float32'), 1);
      return [tf.unsortedSegmentSum(tf.mul(rowsGrad, keep), flatIds, rows), tf.zerosLike(saved[0])];
    };
    return { value, gradFunc };
  });
  return lookup(weight, ids);
}
