// Kernel names of the fused ops the models use when the active backend has them: kernels/ registers
// them on cpu and wasm (native, or TypeScript without the addon); models/layers/fused.ts runs them by
// name and falls back to composed TensorFlow.js ops everywhere else (GPU backends, OCTET_FAST_KERNELS=0).
// Each fused kernel computes exactly the composed ops' formula, in the same order of float operations.

export const FUSED_KERNELS = {
  /** inputs { x } → y = gelu(x); attrs GeluAttrs */
  gelu: 'OctetGelu',
  /** inputs { dy, x } → dx = dy · gelu'(x); attrs GeluAttrs */
  geluGrad: 'OctetGeluGrad',
  /** inputs { gate, up } → gelu(gate) · up (T5's gated feed-forward); attrs GeluAttrs */
  gatedGelu: 'OctetGatedGelu',
  /** inputs { dy, gate, up } → [dgate = (dy · up) · gelu'(gate), dup = dy · gelu(gate)]; attrs GeluAttrs */
  gatedGeluGrad: 'OctetGatedGeluGrad',
  /** inputs { x, weight, bias? } → [y, xhat, rstd ([..., 1])]; attrs NormAttrs */
  norm: 'OctetNorm',
  /** inputs { dy, xhat, rstd, weight } → [dx, dweight, dbias (LayerNorm only)]; attrs NormAttrs */
  normGrad: 'OctetNormGrad',
  /**
   * inputs { x } → [y, kept] as tf.dropout(x, rate, undefined, seed); kept: which multipliers are not 0, in
   * a form of the backend's choosing (the native kernels: int32 bit words); attrs DropoutAttrs
   */
  dropout: 'OctetDropout',
  /** inputs { dy, kept } → dx = dy · the forward's multipliers; attrs DropoutAttrs */
  dropoutGrad: 'OctetDropoutGrad',
  /** inputs { x, r } → [x + dropout(r), kept] (a residual connection; kept as OctetDropout's); attrs DropoutAttrs */
  dropoutAdd: 'OctetDropoutAdd',
  /** inputs { logits [N, C], lse [N, 1], labels int32 [N], scale [N] } → (exp(logits − lse) − one_hot(labels)) · scale; no attrs */
  crossEntropyGrad: 'OctetCrossEntropyGrad',
  /**
   * inputs { q, k, v, bias?, mask? } ([B, H, L, D] or [B, L, H, D]; bias and mask broadcast to [B, H, Lq, Lk],
   * scores = (q·kᵀ·scale + bias) + mask; the mask has no gradient) → [out, probs, kept (rate > 0: which scores
   * dropout kept, in a form of the backend's choosing — the native kernels: int32 bit words)]; attrs AttentionAttrs
   */
  attention: 'OctetAttention',
  /** inputs { dy, q, k, v, probs, kept? } → [dq, dk, dv, dbias (in biasShape; when it is not null)]; attrs AttentionAttrs */
  attentionGrad: 'OctetAttentionGrad',
  /**
   * inputs { x [..., in], w0 [out, in], b0? [out] } → x·w0ᵀ (+ b0) ([..., out]): nn.Linear (models/layers/linear.ts);
   * no attrs. The names count the weights: TensorFlow.js saves a kernel's inputs for its gradient by fixed names.
   */
  projections1: 'OctetProjections1',
  /** The projections of one input by two weights (w0, w1; biases b0, b1 all or none) → [y0, y1]: T5's gated FFN, cross-attention's keys and values. */
  projections2: 'OctetProjections2',
  /** projections2 with three weights (w0, w1, w2): queries, keys and values. */
  projections3: 'OctetProjections3',
  /** inputs { dy0 …, w0 … } (n of each) → dx = Σ dy_i·w_i ([..., in]), added from the last projection to the first; no attrs */
  projectionsGrad: 'OctetProjectionsGrad',
  /** inputs { dy [..., out], x [..., in] } → dyᵀ·x over every row ([out, in]): a projection's weight gradient; no attrs */
  projectionWeightGrad: 'OctetProjectionWeightGrad',
  /** inputs { dy [..., out] } → Σ dy over every row ([out]): a projection's bias gradient; no attrs */
  projectionBiasGrad: 'OctetProjectionBiasGrad',
} as const;

/** The projections kernel for `count` weights, or null (composed linear() per weight). */
export function projectionsKernel(count: number): string | null {
  return [null, FUSED_KERNELS.projections1, FUSED_KERNELS.projections2, FUSED_KERNELS.projections3][count] ?? null;
}

export interface GeluAttrs {
  /** 'erf': 0.5·x·(1 + erf(x/√2)); 'tanh': the tanh approximation (0.044715, √(2/π)). */
  approximate: 'erf' | 'tanh';
}

export interface NormAttrs {
  eps: number;
  /** T5's RMS norm (no centering, no bias) instead of LayerNorm. */
  rms: boolean;
}

export interface DropoutAttrs {
  rate: number;
  /** The seed tf.dropout would get (its random stream is seedrandom's Alea of String(seed)). */
  seed: number;
}

/** softmax(q·kᵀ·scale + bias) → dropout(rate, seed) → ·v, as models/layers/attention.ts composes it. */
export interface AttentionAttrs {
  /** null: unscaled (T5). */
  scale: number | null;
  /** 0: no dropout (eval mode). */
  rate: number;
  /** The seed the composed dropout would get (DropoutAttrs). */
  seed: number;
  /** The bias' shape (null: no bias), for its gradient. */
  biasShape: number[] | null;
  /** q, k, v, the output and their gradients are [B, L, H, D] (the projections' layout) instead of [B, H, L, D]. */
  headsLast: boolean;
  /** With headsLast: q, k, v, the output and their gradients may be [B, L, H·D] (the projections' own shape, no reshapes); H. */
  numHeads?: number;
}
