// Multi-head attention core shared by RoBERTa (scaled) and T5 (unscaled, with position bias).
import * as tf from '@tensorflow/tfjs-core';
import { FUSED_KERNELS, type AttentionAttrs } from '../../common/fusedKernels.ts';
import { dropout, seededDropout, takeDropoutSeed, type RunContext } from './dropout.ts';
import { hasFusedKernel, runFused } from './fused.ts';

/** [B, L, H*D] → [B, H, L, D] */
function splitHeads(x: tf.Tensor, numHeads: number): tf.Tensor4D {
  return tf.tidy(() => {
    const [b, l, inner] = x.shape;
    return tf.transpose(tf.reshape(x, [b, l, numHeads, inner / numHeads]), [0, 2, 1, 3]);
  });
}

/** [B, H, L, D] → [B, L, H*D] */
function mergeHeads(x: tf.Tensor): tf.Tensor3D {
  return tf.tidy(() => {
    const [b, h, l, d] = x.shape;
    return tf.reshape(tf.transpose(x, [0, 2, 1, 3]), [b, l, h * d]);
  });
}

/**
 * Multi-head attention of projected [B, L, H·D] queries, keys and values → [B, Lq, H·D]:
 * softmax((q k^T · scale + bias) + mask) v per head. `bias` (T5's relative position bias, trained) and
 * `mask` (additive padding / causal masks, no gradient) broadcast to [B, H, Lq, Lk]; kept apart, neither
 * is ever expanded to the scores' size. Softmax runs in float32, as in HF. One fused kernel where the
 * backend has it (cpu/wasm with the native addon; it reads the heads in place, no transposes), else
 * composed ops.
 */
export function multiHeadAttention(
  q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, numHeads: number, bias: tf.Tensor | null, mask: tf.Tensor | null, scale: number | null, ctx: RunContext,
  dropoutRate: number,
): tf.Tensor3D {
  const random = ctx.training === true && dropoutRate > 0;
  if (q.dtype === 'float32' && hasFusedKernel(FUSED_KERNELS.attention) && (!random || seededDropout(dropoutRate, ctx))) {
    // [B, L, H·D] in and out: the kernel splits the heads itself (no reshapes, which the tape would keep).
    const attrs: AttentionAttrs = {
      scale, rate: random ? dropoutRate : 0, seed: random ? takeDropoutSeed(ctx) : 0, biasShape: bias ? bias.shape : null, headsLast: true, numHeads,
    };
    return fusedAttention(q, k, v, bias, mask, attrs) as tf.Tensor3D;
  }
  return tf.tidy(() => {
    const [qh, kh, vh] = [q, k, v].map((x) => splitHeads(x, numHeads));
    let scores: tf.Tensor = tf.matMul(qh, kh, false, true);
    if (scale !== null) scores = tf.mul(scores, scale);
    if (bias) scores = tf.add(scores, bias);
    if (mask) scores = tf.add(scores, mask);
    const probs = dropout(tf.softmax(scores, -1), dropoutRate, ctx);
    return mergeHeads(tf.matMul(probs as tf.Tensor4D, vh));
  });
}

/**
 * The bias and mask a stack passes to multiHeadAttention in every layer: apart where the fused kernel
 * takes them apart (neither is then expanded to [B, H, Lq, Lk]), else added once here for the whole
 * stack, as the composed ops would otherwise add them again in every layer. (The mask is 0 or
 * FLOAT32_MIN, so (s + bias) + mask and s + (bias + mask) are the same floats.)
 */
export function stackAttentionBias(bias: tf.Tensor | null, mask: tf.Tensor | null): { bias: tf.Tensor | null; mask: tf.Tensor | null } {
  if (!bias || !mask || hasFusedKernel(FUSED_KERNELS.attention)) return { bias, mask };
  return { bias: tf.add(bias, mask), mask: null };
}

/**
 * The composed attention above as one kernel each way; keeps q, k, v, the probabilities and which
 * scores dropout kept for the gradient. The mask is read by the forward kernel only: it is not an input of the
 * gradient, so no gradient is computed (or zero-filled) for it.
 */
function fusedAttention(q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, bias: tf.Tensor | null, mask: tf.Tensor | null, attrs: AttentionAttrs): tf.Tensor {
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const [qi, ki, vi, bi] = args.slice(0, -1) as tf.Tensor[];
    const [value, probs, kept] = runFused(FUSED_KERNELS.attention, { q: qi, k: ki, v: vi, ...(bi ? { bias: bi } : {}), ...(mask ? { mask } : {}) }, attrs);
    save(kept ? [qi, ki, vi, probs, kept] : [qi, ki, vi, probs]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, [sq, sk, sv, sp, sm]: tf.Tensor[]) =>
        runFused(FUSED_KERNELS.attentionGrad, { dy, q: sq, k: sk, v: sv, probs: sp, ...(sm ? { kept: sm } : {}) }, attrs),
    };
  });
  return bias ? f(q, k, v, bias) : f(q, k, v);
}
