// bitsandbytes StableEmbedding: Xavier-uniform weight with a zeroed padding row, and a float32
// LayerNorm (eps 1e-5, weight 1, bias 0) on the looked-up vectors. Its weight asks the optimizer for
// 32-bit state (see optimizerOverrides of each model).
import type * as tf from '@tensorflow/tfjs-core';
import { embeddingLookup } from './embedding.ts';
import { layerNorm } from './norms.ts';

export const STABLE_EMBEDDING_EPS = 1e-5;
export const STABLE_EMBEDDING_REASON = 'stable embedding keeps 32-bit optimizer state (bitsandbytes StableEmbedding)';

export function stableEmbeddingLookup(
  weight: tf.Tensor, normWeight: tf.Tensor, normBias: tf.Tensor, ids: tf.Tensor, paddingIdx: number | null,
): tf.Tensor {
  const emb = embeddingLookup(weight, ids, paddingIdx);
  return layerNorm(emb, normWeight, normBias, STABLE_EMBEDDING_EPS);
}
