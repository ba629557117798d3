// RobertaModel without pooler (add_pooling_layer=False): embeddings and post-LN encoder layers.
import * as tf from '@tensorflow/tfjs-core';
import type { RobertaConfig } from '../config/roberta.ts';
import { activation } from '../layers/activations.ts';
import { multiHeadAttention } from '../layers/attention.ts';
import { dropout, residualDropout, type RunContext } from '../layers/dropout.ts';
import { embeddingLookup } from '../layers/embedding.ts';
import { linear, projections } from '../layers/linear.ts';
import { keyMaskBias } from '../layers/masks.ts';
import { layerNorm } from '../layers/norms.ts';
import { stableEmbeddingLookup } from '../layers/stableEmbedding.ts';
import type { ParamStore } from '../params/store.ts';
import { STABLE_NORM_BIAS, STABLE_NORM_WEIGHT, WORD_EMBEDDINGS, robertaLayerPrefix } from './specs.ts';

export interface RobertaBodyOutput {
  /** After the embedding LayerNorm (and dropout): [B, L, H]. */
  embeddingOutput: tf.Tensor3D;
  /** Last encoder layer: [B, L, H]. */
  sequenceOutput: tf.Tensor3D;
}

/**
 * create_position_ids_from_input_ids: cumsum(ids != pad) * (ids != pad) + pad. Positions come from
 * the ids, not the attention mask: a pad id inside a row is skipped and gets position `pad`.
 */
export function robertaPositionIds(inputIds: tf.Tensor, padId: number): tf.Tensor {
  return tf.tidy(() => {
    const mask = tf.cast(tf.notEqual(inputIds, padId), 'int32');
    return tf.add(tf.mul(tf.cumsum(mask, 1), mask), tf.scalar(padId, 'int32'));
  });
}

export function robertaWordEmbeddings(p: ParamStore, c: RobertaConfig, inputIds: tf.Tensor): tf.Tensor {
  const w = p.get(WORD_EMBEDDINGS);
  if (c.stableEmbedding) return stableEmbeddingLookup(w, p.get(STABLE_NORM_WEIGHT), p.get(STABLE_NORM_BIAS), inputIds, c.padTokenId);
  return embeddingLookup(w, inputIds, c.padTokenId);
}

function embeddings(p: ParamStore, c: RobertaConfig, inputIds: tf.Tensor2D, tokenTypeIds: tf.Tensor2D | undefined, ctx: RunContext): tf.Tensor3D {
  return tf.tidy(() => {
    const words = robertaWordEmbeddings(p, c, inputIds);
    const typeTable = p.get('roberta.embeddings.token_type_embeddings.weight');
    const types = tokenTypeIds ? tf.gather(typeTable, tokenTypeIds) : tf.slice(typeTable, [0, 0], [1, c.hiddenSize]);
    const positions = embeddingLookup(p.get('roberta.embeddings.position_embeddings.weight'), robertaPositionIds(inputIds, c.padTokenId), c.padTokenId);
    const sum = tf.add(tf.add(words, types), positions);
    const normed = layerNorm(sum, p.get('roberta.embeddings.LayerNorm.weight'), p.get('roberta.embeddings.LayerNorm.bias'), c.layerNormEps);
    return dropout(normed, c.hiddenDropoutProb, ctx) as tf.Tensor3D;
  });
}

function layer(p: ParamStore, c: RobertaConfig, i: number, x: tf.Tensor3D, maskBias: tf.Tensor, ctx: RunContext): tf.Tensor3D {
  return tf.tidy(() => {
    const pre = robertaLayerPrefix(i);
    const w = (n: string) => p.get(`${pre}.${n}`);
    const heads = c.numAttentionHeads;
    const qkv = ['query', 'key', 'value'].map((n) => `attention.self.${n}`);
    const [q, k, v] = projections(x, qkv.map((m) => w(`${m}.weight`)), qkv.map((m) => w(`${m}.bias`)));
    const scale = 1 / Math.sqrt(c.hiddenSize / heads);
    const ctxOut = multiHeadAttention(q, k, v, heads, null, maskBias, scale, ctx, c.attentionProbsDropoutProb);
    const attnDense = linear(ctxOut, w('attention.output.dense.weight'), w('attention.output.dense.bias'));
    const attnOut = layerNorm(residualDropout(x, attnDense, c.hiddenDropoutProb, ctx), w('attention.output.LayerNorm.weight'), w('attention.output.LayerNorm.bias'), c.layerNormEps);
    const inter = activation(c.hiddenAct, linear(attnOut, w('intermediate.dense.weight'), w('intermediate.dense.bias')));
    const outDense = linear(inter, w('output.dense.weight'), w('output.dense.bias'));
    return layerNorm(residualDropout(attnOut, outDense, c.hiddenDropoutProb, ctx), w('output.LayerNorm.weight'), w('output.LayerNorm.bias'), c.layerNormEps) as tf.Tensor3D;
  });
}

export function robertaBody(
  p: ParamStore, c: RobertaConfig, inputIds: tf.Tensor2D, attentionMask: tf.Tensor2D | undefined, tokenTypeIds: tf.Tensor2D | undefined, ctx: RunContext,
): RobertaBodyOutput {
  return tf.tidy(() => {
    const [, len] = inputIds.shape;
    if (len > c.maxPositionEmbeddings - c.padTokenId - 1) {
      throw new Error(`sequence length ${len} exceeds what RoBERTa's position table allows (${c.maxPositionEmbeddings - c.padTokenId - 1}); truncate the input`);
    }
    const mask = attentionMask ?? tf.onesLike(inputIds);
    const maskBias = keyMaskBias(mask);
    const embeddingOutput = embeddings(p, c, inputIds, tokenTypeIds, ctx);
    let x = embeddingOutput;
    for (let i = 0; i < c.numHiddenLayers; i++) x = layer(p, c, i, x, maskBias, ctx);
    return { embeddingOutput, sequenceOutput: x };
  });
}
