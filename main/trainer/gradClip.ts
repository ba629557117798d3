// Clips gradients to a maximum global L2 norm (as torch.nn.utils.clip_grad_norm_), returning the
// norm before clipping so it can be logged and checked for NaN/Inf.
import * as tf from '@tensorflow/tfjs-core';

export function globalNorm(grads: tf.NamedTensorMap): tf.Scalar {
  // One tidy per gradient: the squares are freed as they are summed, never all alive at once.
  const squares = Object.values(grads).map((g) => tf.tidy(() => tf.sum(tf.square(g))));
  const norm = tf.tidy(() => tf.sqrt(squares.length ? tf.addN(squares) : tf.scalar(0)) as tf.Scalar);
  tf.dispose(squares);
  return norm;
}

/** Returns new clipped gradients (the inputs are disposed) and the pre-clip norm. */
export function clipByGlobalNorm(grads: tf.NamedTensorMap, maxNorm: number): { grads: tf.NamedTensorMap; norm: number } {
  const normT = globalNorm(grads);
  const norm = normT.dataSync()[0];
  normT.dispose();
  if (!(maxNorm > 0) || !Number.isFinite(norm) || norm <= maxNorm) return { grads, norm };
  // torch uses max_norm / (norm + 1e-6).
  const scale = maxNorm / (norm + 1e-6);
  const out: tf.NamedTensorMap = {};
  for (const [k, g] of Object.entries(grads)) {
    out[k] = tf.tidy(() => tf.mul(g, scale));
    g.dispose();
  }
  return { grads: out, norm };
}
