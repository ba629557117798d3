// T5Stack for mT5: pre-norm blocks with RMS norm, unscaled attention with a relative position bias
// owned by block 0 and shared by every later block of the same stack; the padding / causal mask is
// passed next to it to the fused kernel, so neither is expanded to [B, H, L, L] (stackAttentionBias).
import * as tf from '@tensorflow/tfjs-core';
import type { MT5Config } from '../config/mt5.ts';
import { activation, gatedActivation } from '../layers/activations.ts';
import { multiHeadAttention, stackAttentionBias } from '../layers/attention.ts';
import { dropout, residualDropout, type RunContext } from '../layers/dropout.ts';
import { embeddingLookup } from '../layers/embedding.ts';
import { linear, projections } from '../layers/linear.ts';
import { causalMaskBias, keyMaskBias } from '../layers/masks.ts';
import { rmsNorm } from '../layers/norms.ts';
import { stableEmbeddingLookup } from '../layers/stableEmbedding.ts';
import type { ParamStore } from '../params/store.ts';
import { relativePositionBuckets } from './relativePosition.ts';
import { SHARED, SHARED_NORM_BIAS, SHARED_NORM_WEIGHT, relativeBiasName } from './specs.ts';

export function embedTokens(p: ParamStore, c: MT5Config, ids: tf.Tensor): tf.Tensor {
  if (c.stableEmbedding) return stableEmbeddingLookup(p.get(SHARED), p.get(SHARED_NORM_WEIGHT), p.get(SHARED_NORM_BIAS), ids, c.padTokenId);
  return embeddingLookup(p.get(SHARED), ids, null);
}

/**
 * Encoder and decoder token embeddings from one lookup: the gradient of shared.weight is then one
 * vocab×d_model scatter instead of two plus their sum (2.3 GB less at the peak for mT5-base).
 */
export function embedPair(p: ParamStore, c: MT5Config, encoderIds: tf.Tensor2D, decoderIds: tf.Tensor2D): [tf.Tensor3D, tf.Tensor3D] {
  return tf.tidy(() => {
    const [b, l] = encoderIds.shape;
    const [bd, t] = decoderIds.shape;
    const all = embedTokens(p, c, tf.concat([tf.reshape(encoderIds, [-1]), tf.reshape(decoderIds, [-1])]));
    const [enc, dec] = tf.split(all, [b * l, bd * t], 0);
    return [tf.reshape(enc, [b, l, c.dModel]), tf.reshape(dec, [bd, t, c.dModel])];
  });
}

/** bias[bucket(k − q)] as [1, H, q, k], the queries at positions queryOffset … queryOffset + qLen − 1. */
export function positionBias(p: ParamStore, c: MT5Config, stack: 'encoder' | 'decoder', qLen: number, kLen: number, queryOffset = 0): tf.Tensor {
  return tf.tidy(() => {
    const buckets = relativePositionBuckets(qLen, kLen, stack === 'encoder', c.relativeAttentionNumBuckets, c.relativeAttentionMaxDistance, queryOffset);
    const values = embeddingLookup(p.get(relativeBiasName(stack)), tf.tensor2d(buckets, [qLen, kLen], 'int32'), null); // [q, k, H]
    return tf.expandDims(tf.transpose(values, [2, 0, 1]), 0);
  });
}

export interface BiasAndMask {
  /** The stack's position bias (self-attention). */
  bias: tf.Tensor | null;
  /** The additive padding / causal mask. */
  mask: tf.Tensor | null;
}

/** The attention module `prefix`'s weight `name` (q, k, v, o). */
export const attentionWeight = (p: ParamStore, prefix: string, name: string): tf.Tensor => p.get(`${prefix}.${name}.weight`);

/** Multi-head attention of the queries over the keys and values, then the output projection. */
export function attend(p: ParamStore, c: MT5Config, prefix: string, q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, { bias, mask }: BiasAndMask, ctx: RunContext): tf.Tensor {
  return linear(multiHeadAttention(q, k, v, c.numHeads, bias, mask, null, ctx, c.dropoutRate), attentionWeight(p, prefix, 'o'));
}

function attention(p: ParamStore, c: MT5Config, prefix: string, x: tf.Tensor, kv: tf.Tensor, biasMask: BiasAndMask, ctx: RunContext): tf.Tensor {
  return tf.tidy(() => {
    const w = (n: string) => attentionWeight(p, prefix, n);
    const [q, k, v] = x === kv ? projections(x, [w('q'), w('k'), w('v')]) : [linear(x, w('q')), ...projections(kv, [w('k'), w('v')])];
    return attend(p, c, prefix, q, k, v, biasMask, ctx);
  });
}

function feedForward(p: ParamStore, c: MT5Config, prefix: string, x: tf.Tensor, ctx: RunContext): tf.Tensor {
  return tf.tidy(() => {
    const d = `${prefix}.DenseReluDense`;
    let h: tf.Tensor;
    if (c.isGatedAct) {
      const [gate, up] = projections(x, [p.get(`${d}.wi_0.weight`), p.get(`${d}.wi_1.weight`)]);
      h = gatedActivation(c.denseActFn, gate, up);
    }
    else h = activation(c.denseActFn, linear(x, p.get(`${d}.wi.weight`)));
    return linear(dropout(h, c.dropoutRate, ctx), p.get(`${d}.wo.weight`));
  });
}

function residual(p: ParamStore, c: MT5Config, name: string, x: tf.Tensor, f: (normed: tf.Tensor) => tf.Tensor, ctx: RunContext): tf.Tensor {
  return tf.tidy(() => residualDropout(x, f(rmsNorm(x, p.get(`${name}.layer_norm.weight`), c.layerNormEpsilon)), c.dropoutRate, ctx));
}

/** Encoder hidden states after `encoder.final_layer_norm`: [B, L, d_model]. */
export function mt5Encoder(
  p: ParamStore, c: MT5Config, inputIds: tf.Tensor2D, attentionMask: tf.Tensor2D | undefined, ctx: RunContext, embeds?: tf.Tensor3D,
): tf.Tensor3D {
  return tf.tidy(() => {
    const [, len] = inputIds.shape;
    const mask = attentionMask ?? tf.onesLike(inputIds);
    const self = stackAttentionBias(positionBias(p, c, 'encoder', len, len), keyMaskBias(mask));
    let x = dropout(embeds ?? embedTokens(p, c, inputIds), c.dropoutRate, ctx);
    for (let i = 0; i < c.numLayers; i++) {
      const b = `encoder.block.${i}`;
      x = residual(p, c, `${b}.layer.0`, x, (h) => attention(p, c, `${b}.layer.0.SelfAttention`, h, h, self, ctx), ctx);
      x = residual(p, c, `${b}.layer.1`, x, (h) => feedForward(p, c, `${b}.layer.1`, h, ctx), ctx);
    }
    return dropout(rmsNorm(x, p.get('encoder.final_layer_norm.weight'), c.layerNormEpsilon), c.dropoutRate, ctx) as tf.Tensor3D;
  });
}

/** Decoder hidden states after `decoder.final_layer_norm`: [B, T, d_model]. */
export function mt5Decoder(
  p: ParamStore, c: MT5Config, decoderInputIds: tf.Tensor2D, encoderHidden: tf.Tensor, encoderMask: tf.Tensor2D | undefined,
  decoderMask: tf.Tensor2D | undefined, ctx: RunContext, embeds?: tf.Tensor3D,
): tf.Tensor3D {
  return tf.tidy(() => {
    const [batch, len] = decoderInputIds.shape;
    const self = stackAttentionBias(positionBias(p, c, 'decoder', len, len), causalMaskBias(len, decoderMask));
    const encMask = encoderMask ?? tf.ones([batch, encoderHidden.shape[1] as number]);
    const cross = { bias: null, mask: keyMaskBias(encMask) };
    let x = dropout(embeds ?? embedTokens(p, c, decoderInputIds), c.dropoutRate, ctx);
    for (let i = 0; i < c.numDecoderLayers; i++) {
      x = decoderBlock(p, c, i, x, (h, prefix) => attention(p, c, prefix, h, h, self, ctx), (h, prefix) => attention(p, c, prefix, h, encoderHidden, cross, ctx), ctx);
    }
    return decoderOutput(p, c, x, ctx);
  });
}

/** An attention sublayer on its normed input, given the module's weight prefix. */
export type Attention = (normed: tf.Tensor, prefix: string) => tf.Tensor;

export const decoderBlockPrefix = (i: number): string => `decoder.block.${i}`;

/** Decoder block i: self-attention, cross-attention, FFN, each a pre-norm residual (the full pass and the cached step: decoderCache.ts). */
export function decoderBlock(p: ParamStore, c: MT5Config, i: number, x: tf.Tensor, self: Attention, cross: Attention, ctx: RunContext): tf.Tensor {
  const b = decoderBlockPrefix(i);
  x = residual(p, c, `${b}.layer.0`, x, (h) => self(h, `${b}.layer.0.SelfAttention`), ctx);
  x = residual(p, c, `${b}.layer.1`, x, (h) => cross(h, `${b}.layer.1.EncDecAttention`), ctx);
  return residual(p, c, `${b}.layer.2`, x, (h) => feedForward(p, c, `${b}.layer.2`, h, ctx), ctx);
}

/** The decoder's final RMS norm (and dropout). */
export function decoderOutput(p: ParamStore, c: MT5Config, x: tf.Tensor, ctx: RunContext): tf.Tensor3D {
  return dropout(rmsNorm(x, p.get('decoder.final_layer_norm.weight'), c.layerNormEpsilon), c.dropoutRate, ctx) as tf.Tensor3D;
}
