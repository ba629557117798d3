// Incremental decoding (transformers' past_key_values): the decoder's self-attention keys and values of
// the tokens so far, and the cross-attention keys and values of the encoder output, kept between steps,
// so that each new token runs the decoder for one position instead of for the whole prefix again. The
// arithmetic per position is the full pass's: the new query's row of the position bias (query offset t)
// and no causal mask (it sees every cached key).
import * as tf from '@tensorflow/tfjs-core';
import type { MT5Config } from '../config/mt5.ts';
import { linear, projections } from '../layers/linear.ts';
import { keyMaskBias } from '../layers/masks.ts';
import type { ParamStore } from '../params/store.ts';
import { attend, attentionWeight, decoderBlock, decoderBlockPrefix, decoderOutput, embedTokens, positionBias } from './stack.ts';

// Type aliases, not interfaces: tf.tidy returns them (a TensorContainer needs an index signature).
type KeysValues = {
  k: tf.Tensor;
  v: tf.Tensor;
};

/** The cache's tensors are kept (tf.keep): no caller's tidy disposes them between steps; disposeDecoderCache does. */
export type DecoderCache = {
  /** Per block, [B, t, H·D] for the t tokens so far. */
  self: KeysValues[];
  /** Per block, [B, L, H·D] of the encoder output: fixed for the whole generation. */
  cross: KeysValues[];
  crossMask: tf.Tensor;
  /** Tokens decoded so far (t). */
  length: number;
};

const kept = (k: tf.Tensor, v: tf.Tensor): KeysValues => ({ k: tf.keep(k), v: tf.keep(v) });

/** The cache before the first token: the cross-attention keys and values of every block. */
export function mt5DecoderCache(p: ParamStore, c: MT5Config, encoderHidden: tf.Tensor, encoderMask: tf.Tensor2D | undefined): DecoderCache {
  return tf.tidy(() => {
    const cross = Array.from({ length: c.numDecoderLayers }, (_, i) => {
      const prefix = `${decoderBlockPrefix(i)}.layer.1.EncDecAttention`;
      const [k, v] = projections(encoderHidden, [attentionWeight(p, prefix, 'k'), attentionWeight(p, prefix, 'v')]);
      return kept(k, v);
    });
    const mask = encoderMask ?? tf.ones([encoderHidden.shape[0], encoderHidden.shape[1] as number]);
    return { self: [], cross, crossMask: tf.keep(keyMaskBias(mask)), length: 0 };
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
    const self: KeysValues[] = [];
    const selfBias = { bias: positionBias(p, c, 'decoder', 1, t + 1, t), mask: null };
    const crossMask = { bias: null, mask: cache.crossMask };
    let x = embedTokens(p, c, tokens);
    for (let i = 0; i < c.numDecoderLayers; i++) {
      const selfStep = (h: tf.Tensor, prefix: string) => {
        const [q, k, v] = projections(h, ['q', 'k', 'v'].map((n) => attentionWeight(p, prefix, n)));
        const past = cache.self[i];
        const kv = past ? kept(tf.concat([past.k, k], 1), tf.concat([past.v, v], 1)) : kept(k, v);
        self.push(kv);
        return attend(p, c, prefix, q, kv.k, kv.v, selfBias, {});
      };
      const crossStep = (h: tf.Tensor, prefix: string) => attend(p, c, prefix, linear(h, attentionWeight(p, prefix, 'q')), cache.cross[i].k, cache.cross[i].v, crossMask, {});
      x = decoderBlock(p, c, i, x, selfStep, crossStep, {});
    }
    return { hidden: decoderOutput(p, c, x, {}), cache: { self, cross: cache.cross, crossMask: cache.crossMask, length: t + 1 } };
  });
}

/**
 * The cache for beam search's next beams: row j continues row rows[j], a beam of the same batch item
 * (so the cross keys and values, the same for every beam of an item, carry over).
 */
export function reorderBeams(cache: DecoderCache, rows: number[]): DecoderCache {
  return tf.tidy(() => {
    const index = tf.tensor1d(rows, 'int32');
    return { ...cache, self: cache.self.map(({ k, v }) => kept(tf.gather(k, index), tf.gather(v, index))) };
  });
}

export function disposeDecoderCache(cache: DecoderCache, keepCross = false): void {
  tf.dispose(cache.self.flatMap(({ k, v }) => [k, v]));
  if (!keepCross) tf.dispose([...cache.cross.flatMap(({ k, v }) => [k, v]), cache.crossMask]);
}
