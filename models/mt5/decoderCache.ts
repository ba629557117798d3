// Incremental decoding (transformers' past_key_values): the decoder's self-attention keys and values of
// the tokens so far, and the cross-attention keys and values of the encoder output, kept between steps,
// so that each new token runs the decoder for one position instead of for the whole prefix again. The
// arithmetic per position is the full pass's: the new query's row of the position bias (query offset t)
// and no causal mask (it sees every cached key).
import * as tf from '@tensorflow/tfjs-core';
import type { MT5Config } from '../config/mt5.ts';
import { multiHeadAttention } from '../layers/attention.ts';
import { linear, projections } from '../layers/linear.ts';
import { keyMaskBias } from '../layers/masks.ts';
import { rmsNorm } from '../layers/norms.ts';
import type { ParamStore } from '../params/store.ts';
import { embedTokens, feedForward, positionBias, residual } from './stack.ts';

// Type aliases, not interfaces: tf.tidy returns them (a TensorContainer needs an index signature).
type KeysValues = {
  k: tf.Tensor;
  v: tf.Tensor;
};

export type DecoderCache = {
  /** Per block, [B, t, H·D] for the t tokens so far. */
  self: KeysValues[];
  /** Per block, [B, L, H·D] of the encoder output: fixed for the whole generation. */
  cross: KeysValues[];
  crossMask: tf.Tensor;
  /** Tokens decoded so far (t). */
  length: number;
};

const block = (i: number) => `decoder.block.${i}`;

/** The cache before the first token: the cross-attention keys and values of every block. */
export function mt5DecoderCache(p: ParamStore, c: MT5Config, encoderHidden: tf.Tensor, encoderMask: tf.Tensor2D | undefined): DecoderCache {
  return tf.tidy(() => {
    const cross = Array.from({ length: c.numDecoderLayers }, (_, i) => {
      const w = (n: string) => p.get(`${block(i)}.layer.1.EncDecAttention.${n}.weight`);
      const [k, v] = projections(encoderHidden, [w('k'), w('v')]);
      return { k, v };
    });
    const mask = encoderMask ?? tf.ones([encoderHidden.shape[0], encoderHidden.shape[1] as number]);
    return { self: [], cross, crossMask: keyMaskBias(mask), length: 0 };
  });
}

/**
 * The decoder's final hidden state for one more token per row ([B, 1] ids → [B, 1, d_model]) and the
 * cache with its keys and values appended. The caller disposes the old cache's `self` (the cross keys
 * and values carry over).
 */
export function mt5DecoderStep(p: ParamStore, c: MT5Config, cache: DecoderCache, tokens: tf.Tensor2D): { hidden: tf.Tensor3D; cache: DecoderCache } {
  return tf.tidy(() => {
    const t = cache.length;
    const bias = positionBias(p, c, 'decoder', 1, t + 1, t);
    const self: KeysValues[] = [];
    let x = embedTokens(p, c, tokens);
    for (let i = 0; i < c.numDecoderLayers; i++) {
      const b = block(i);
      x = residual(p, c, `${b}.layer.0`, x, (h) => {
        const w = (n: string) => p.get(`${b}.layer.0.SelfAttention.${n}.weight`);
        const [q, k, v] = projections(h, [w('q'), w('k'), w('v')]);
        const past = cache.self[i];
        // Kept: residual()'s own tidy would dispose them (the cache's owner does, when it moves on).
        const kv = past ? { k: tf.keep(tf.concat([past.k, k], 1)), v: tf.keep(tf.concat([past.v, v], 1)) } : { k: tf.keep(k), v: tf.keep(v) };
        self.push(kv);
        return linear(multiHeadAttention(q, kv.k, kv.v, c.numHeads, bias, null, null, {}, c.dropoutRate), w('o'));
      }, {});
      x = residual(p, c, `${b}.layer.1`, x, (h) => {
        const w = (n: string) => p.get(`${b}.layer.1.EncDecAttention.${n}.weight`);
        const { k, v } = cache.cross[i];
        return linear(multiHeadAttention(linear(h, w('q')), k, v, c.numHeads, null, cache.crossMask, null, {}, c.dropoutRate), w('o'));
      }, {});
      x = residual(p, c, `${b}.layer.2`, x, (h) => feedForward(p, c, `${b}.layer.2`, h, {}), {});
    }
    const hidden = rmsNorm(x, p.get('decoder.final_layer_norm.weight'), c.layerNormEpsilon) as tf.Tensor3D;
    return { hidden, cache: { self, cross: cache.cross, crossMask: cache.crossMask, length: t + 1 } };
  });
}

/**
 * The cache for beam search's next beams: row j continues row rows[j], a beam of the same batch item
 * (so the cross keys and values, the same for every beam of an item, carry over).
 */
export function reorderBeams(cache: DecoderCache, rows: number[]): DecoderCache {
  return tf.tidy(() => {
    const index = tf.tensor1d(rows, 'int32');
    return { ...cache, self: cache.self.map(({ k, v }) => ({ k: tf.gather(k, index), v: tf.gather(v, index) })) };
  });
}

export function disposeDecoderCache(cache: DecoderCache, keepCross = false): void {
  tf.dispose(cache.self.flatMap(({ k, v }) => [k, v]));
  if (!keepCross) tf.dispose([...cache.cross.flatMap(({ k, v }) => [k, v]), cache.crossMask]);
}
