// RobertaForMaskedLM: dense → gelu → layer_norm → decoder (tied to the word embedding) + bias.
import * as tf from '@tensorflow/tfjs-core';
import type { RobertaConfig } from '../config/roberta.ts';
import { geluErf } from '../layers/activations.ts';
import type { RunContext } from '../layers/dropout.ts';
import { linear } from '../layers/linear.ts';
import { layerNorm } from '../layers/norms.ts';
import { crossEntropy } from '../losses.ts';
import { PretrainedModel, type Batch, type BuildOptions } from '../model.ts';
import type { ParamSpec } from '../params/spec.ts';
import { robertaBody } from './body.ts';
import { WORD_EMBEDDINGS, robertaSpecs } from './specs.ts';

export class RobertaForMaskedLM extends PretrainedModel<RobertaConfig> {
  protected readonly labelsHint = 'int32 [B, L], -100 where no loss is taken';
  constructor(config: RobertaConfig, opts: BuildOptions) {
    super(config, 'RobertaForMaskedLM', opts);
  }

  specs(): ParamSpec[] {
    return robertaSpecs(this.config, 'RobertaForMaskedLM');
  }

  override resolveName(name: string): string {
    if (name === 'lm_head.decoder.bias') return 'lm_head.bias';
    if (name === 'lm_head.decoder.weight' && this.config.tieWordEmbeddings) return WORD_EMBEDDINGS;
    return name;
  }

  /** Prediction scores [B, L, vocab]. */
  forward(batch: Batch, ctx: RunContext = {}): tf.Tensor3D {
    return tf.tidy(() => {
      const c = this.config;
      const p = this.params;
      const { sequenceOutput } = robertaBody(p, c, batch.inputIds, batch.attentionMask, batch.tokenTypeIds, ctx);
      let x = geluErf(linear(sequenceOutput, p.get('lm_head.dense.weight'), p.get('lm_head.dense.bias')));
      x = layerNorm(x, p.get('lm_head.layer_norm.weight'), p.get('lm_head.layer_norm.bias'), c.layerNormEps);
      const decoder = c.tieWordEmbeddings ? p.get(WORD_EMBEDDINGS) : p.get('lm_head.decoder.weight');
      return linear(x, decoder, p.get('lm_head.bias')) as tf.Tensor3D;
    });
  }

  lossFromLogits(logits: tf.Tensor, labels: tf.Tensor): tf.Scalar {
    return crossEntropy(logits, labels);
  }
}
