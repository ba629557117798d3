// Multi-head attention core shared by RoBERTa (scaled) and T5 (unscaled, with position bias).
import * as tf from '@tensorflow/tfjs-core';
import { FUSED_KERNELS, type AttentionAttrs } from '../../common/fusedKernels.ts';
import { dropout, seededDropout, takeDropoutSeed, type RunContext } from './dropout.ts';
import { hasFusedKernel, runFused } from './fused.ts';

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
 * [B, H, Lq, Lk] (masks and T5's relative position bias). Softmax runs in float32, as in HF. One fused
 * kernel where the backend has it (cpu/wasm with the native addon), else composed ops.
 */
export function scaledDotProductAttention(
  q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, bias: tf.Tensor | null, scale: number | null, ctx: RunContext, dropoutRate: number,
): tf.Tensor4D {
  const random = ctx.training === true && dropoutRate > 0;
  if (q.dtype === 'float32' && hasFusedKernel(FUSED_KERNELS.attention) && (!random || seededDropout(dropoutRate, ctx))) {
    const attrs: AttentionAttrs = { scale, rate: random ? dropoutRate : 0, seed: random ? takeDropoutSeed(ctx) : 0, biasShape: bias ? bias.shape : null };
    return fusedAttention(q, k, v, bias, attrs);
  }
  return tf.tidy(() => {
    let scores: tf.Tensor = tf.matMul(q, k, false, true);
    if (scale !== null) scores = tf.mul(scores, scale);
    if (bias) scores = tf.add(scores, bias);
    const probs = dropout(tf.softmax(scores, -1), dropoutRate, ctx);
    return tf.matMul(probs as tf.Tensor4D, v);
  });
}

/** The composed attention above as one kernel each way; keeps q, k, v, the probabilities and the dropout multipliers for the gradient. */
function fusedAttention(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, bias: tf.Tensor | null, attrs: AttentionAttrs): tf.Tensor4D {
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const [qi, ki, vi, bi] = args.slice(0, -1) as tf.Tensor[];
    const [value, probs, multiplier] = runFused(FUSED_KERNELS.attention, bi ? { q: qi, k: ki, v: vi, bias: bi } : { q: qi, k: ki, v: vi }, attrs);
    save(multiplier ? [qi, ki, vi, probs, multiplier] : [qi, ki, vi, probs]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, [sq, sk, sv, sp, sm]: tf.Tensor[]) =>
        runFused(FUSED_KERNELS.attentionGrad, { dy, q: sq, k: sk, v: sv, probs: sp, ...(sm ? { multiplier: sm } : {}) }, attrs),
    };
  });
  return (bias ? f(q, k, v, bias) : f(q, k, v)) as tf.Tensor4D;
}
