// MT5ForConditionalGeneration: encoder, decoder, untied lm_head (no d_model^-0.5 rescale unless tied).
import * as tf from '@tensorflow/tfjs-core';
import type { MT5Config } from '../config/mt5.ts';
import type { RunContext } from '../layers/dropout.ts';
import { linear } from '../layers/linear.ts';
import { IGNORE_INDEX, crossEntropy } from '../losses.ts';
import { PretrainedModel, type Batch, type BuildOptions } from '../model.ts';
import type { ParamSpec } from '../params/spec.ts';
import { beamSearch, greedySearch, type BeamOptions, type GenerateOptions, type GenerationResult, type IncrementalDecoding } from './generate.ts';
import { EMBED_ALIASES, SHARED, mt5Specs } from './specs.ts';
import { disposeDecoderCache, mt5DecoderCache, mt5DecoderStep, reorderBeams, type DecoderCache } from './decoderCache.ts';
import { embedPair, mt5Decoder, mt5Encoder } from './stack.ts';

export interface Seq2SeqOutput {
  logits: tf.Tensor3D;
  encoderLastHiddenState: tf.Tensor3D;
}

/** transformers' _shift_right: prepend decoder_start_token_id, drop the last label, -100 → pad. */
export function shiftRight(labels: tf.Tensor2D, decoderStartTokenId: number, padTokenId: number): tf.Tensor2D {
  return tf.tidy(() => {
    const [b, t] = labels.shape;
    const ids = tf.cast(labels, 'int32');
    const start = tf.fill([b, 1], decoderStartTokenId, 'int32');
    const shifted = tf.concat([start, tf.slice(ids, [0, 0], [b, t - 1])], 1);
    return tf.where(tf.equal(shifted, IGNORE_INDEX), tf.fill([b, t], padTokenId, 'int32'), shifted) as tf.Tensor2D;
  });
}

export class MT5ForConditionalGeneration extends PretrainedModel<MT5Config> {
  protected readonly labelsHint = 'int32 [B, T], padded with -100';
  constructor(config: MT5Config, opts: BuildOptions) {
    super(config, 'MT5ForConditionalGeneration', opts);
  }

  specs(): ParamSpec[] {
    return mt5Specs(this.config);
  }

  override resolveName(name: string): string {
    if (EMBED_ALIASES.includes(name)) return SHARED;
    if (name === 'lm_head.weight' && this.config.tieWordEmbeddings) return SHARED;
    return name;
  }

  encode(inputIds: tf.Tensor2D, attentionMask?: tf.Tensor2D, ctx: RunContext = {}): tf.Tensor3D {
    return mt5Encoder(this.params, this.config, inputIds, attentionMask, ctx);
  }

  /** Decoder hidden states → logits over config.vocab_size. */
  lmHead(hidden: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const c = this.config;
      if (c.tieWordEmbeddings) return linear(tf.mul(hidden, c.dModel ** -0.5), this.params.get(SHARED));
      return linear(hidden, this.params.get('lm_head.weight'));
    });
  }

  decode(decoderInputIds: tf.Tensor2D, encoderHidden: tf.Tensor, attentionMask?: tf.Tensor2D, decoderAttentionMask?: tf.Tensor2D, ctx: RunContext = {}): tf.Tensor3D {
    return mt5Decoder(this.params, this.config, decoderInputIds, encoderHidden, attentionMask, decoderAttentionMask, ctx);
  }

  decoderInputs(batch: Batch): tf.Tensor2D {
    if (batch.decoderInputIds) return batch.decoderInputIds;
    if (!batch.labels) throw new Error('mT5 needs batch.decoderInputIds or batch.labels');
    return shiftRight(batch.labels as tf.Tensor2D, this.config.decoderStartTokenId, this.config.padTokenId);
  }

  run(batch: Batch, ctx: RunContext = {}): Seq2SeqOutput {
    return tf.tidy(() => {
      const p = this.params;
      const c = this.config;
      const decoderIds = this.decoderInputs(batch);
      const [encEmbeds, decEmbeds] = embedPair(p, c, batch.inputIds, decoderIds);
      const encoderLastHiddenState = mt5Encoder(p, c, batch.inputIds, batch.attentionMask, ctx, encEmbeds);
      const hidden = mt5Decoder(p, c, decoderIds, encoderLastHiddenState, batch.attentionMask, batch.decoderAttentionMask, ctx, decEmbeds);
      return { logits: this.lmHead(hidden) as tf.Tensor3D, encoderLastHiddenState };
    });
  }

  /** Teacher-forced logits [B, T, vocab]. */
  forward(batch: Batch, ctx: RunContext = {}): tf.Tensor3D {
    return tf.tidy(() => this.run(batch, ctx).logits);
  }

  /** Mean cross-entropy over every label ≠ -100 of the batch. */
  lossFromLogits(logits: tf.Tensor, labels: tf.Tensor): tf.Scalar {
    return crossEntropy(logits, labels);
  }

  /** Greedy decoding, or beam search when options.numBeams > 1. */
  async generate(inputIds: tf.Tensor2D, attentionMask: tf.Tensor2D | undefined, options: GenerateOptions & Partial<BeamOptions> = {}): Promise<GenerationResult[]> {
    const opts = {
      useCache: options.useCache,
      maxNewTokens: options.maxNewTokens ?? 20,
      decoderStartTokenId: options.decoderStartTokenId ?? this.config.decoderStartTokenId,
      eosTokenId: options.eosTokenId ?? this.config.eosTokenId,
      padTokenId: options.padTokenId ?? this.config.padTokenId,
    };
    const step = {
      encode: (ids: tf.Tensor2D, mask: tf.Tensor2D | undefined) => this.encode(ids, mask),
      nextLogits: (dec: tf.Tensor2D, enc: tf.Tensor, mask: tf.Tensor2D | undefined) =>
        tf.tidy(() => {
          const hidden = this.decode(dec, enc, mask);
          const [b, t, d] = hidden.shape;
          return tf.reshape(this.lmHead(tf.slice(hidden, [0, t - 1, 0], [b, 1, d])), [b, -1]) as tf.Tensor2D;
        }),
      incremental: (enc: tf.Tensor, mask: tf.Tensor2D | undefined) => this.incrementalDecoding(enc, mask),
    };
    if ((options.numBeams ?? 1) > 1) {
      return beamSearch(step, inputIds, attentionMask, {
        ...opts, numBeams: options.numBeams ?? 1, lengthPenalty: options.lengthPenalty ?? 1, earlyStopping: options.earlyStopping ?? false,
      });
    }
    return greedySearch(step, inputIds, attentionMask, opts);
  }

  /** Decoding one position per step from the cached keys and values (decoderCache.ts). */
  private incrementalDecoding(encoderHidden: tf.Tensor, attentionMask: tf.Tensor2D | undefined): IncrementalDecoding {
    let cache = mt5DecoderCache(this.params, this.config, encoderHidden, attentionMask);
    const replace = (next: DecoderCache) => {
      disposeDecoderCache(cache, true);
      cache = next;
    };
    return {
      next: (tokens) => {
        const { hidden, cache: next } = tf.tidy(() => mt5DecoderStep(this.params, this.config, cache, tf.tensor2d(tokens, [tokens.length, 1], 'int32')));
        replace(next);
        const logits = tf.tidy(() => tf.reshape(this.lmHead(hidden), [tokens.length, -1]) as tf.Tensor2D);
        hidden.dispose();
        return logits;
      },
      reorder: (rows) => replace(reorderBeams(cache, rows)),
      dispose: () => disposeDecoderCache(cache),
    };
  }
}
