// RobertaForSequenceClassification: <s> features → dropout → dense → tanh → dropout → out_proj.
import * as tf from '@tensorflow/tfjs-core';
import type { RobertaConfig } from '../config/roberta.ts';
import type { ProblemType } from '../config/labels.ts';
import { dropout, type RunContext } from '../layers/dropout.ts';
import { linear } from '../layers/linear.ts';
import { bceWithLogits, crossEntropy, meanSquaredError } from '../losses.ts';
import { PretrainedModel, type Batch, type BuildOptions } from '../model.ts';
import type { ParamSpec } from '../params/spec.ts';
import { robertaBody, type RobertaBodyOutput } from './body.ts';
import { robertaSpecs } from './specs.ts';

export interface ClassificationOutput extends RobertaBodyOutput {
  logits: tf.Tensor2D;
}

export class RobertaForSequenceClassification extends PretrainedModel<RobertaConfig> {
  protected readonly labelsHint = 'int32 [B] class ids, or float32 for regression and multi-label';
  constructor(config: RobertaConfig, opts: BuildOptions) {
    super(config, 'RobertaForSequenceClassification', opts);
  }

  specs(): ParamSpec[] {
    return robertaSpecs(this.config, 'RobertaForSequenceClassification');
  }

  /** Logits with the body's intermediate outputs. */
  run(batch: Batch, ctx: RunContext = {}): ClassificationOutput {
    return tf.tidy(() => {
      const c = this.config;
      const p = this.params;
      const body = robertaBody(p, c, batch.inputIds, batch.attentionMask, batch.tokenTypeIds, ctx);
      const [b, , h] = body.sequenceOutput.shape;
      const rate = c.classifierDropout ?? c.hiddenDropoutProb;
      let x: tf.Tensor = tf.reshape(tf.slice(body.sequenceOutput, [0, 0, 0], [b, 1, h]), [b, h]);
      x = dropout(x, rate, ctx);
      x = tf.tanh(linear(x, p.get('classifier.dense.weight'), p.get('classifier.dense.bias')));
      x = dropout(x, rate, ctx);
      const logits = linear(x, p.get('classifier.out_proj.weight'), p.get('classifier.out_proj.bias')) as tf.Tensor2D;
      return { ...body, logits };
    });
  }

  forward(batch: Batch, ctx: RunContext = {}): tf.Tensor2D {
    return tf.tidy(() => this.run(batch, ctx).logits);
  }

  /** The problem type transformers infers: config.problem_type, else from num_labels and the label dtype. */
  problemType(labels?: tf.Tensor): ProblemType {
    const c = this.config;
    if (c.problemType) return c.problemType;
    if (c.numLabels === 1) return 'regression';
    return labels && labels.dtype === 'float32' ? 'multi_label_classification' : 'single_label_classification';
  }

  lossFromLogits(logits: tf.Tensor, labels: tf.Tensor): tf.Scalar {
    return tf.tidy(() => {
      const type = this.problemType(labels);
      if (type === 'regression') {
        // MSELoss()(logits.squeeze(), labels.squeeze()) for one label, else over all entries.
        if (this.config.numLabels === 1) return meanSquaredError(tf.reshape(logits, [-1]), tf.reshape(labels, [-1]));
        return meanSquaredError(logits, labels);
      }
      if (type === 'single_label_classification') return crossEntropy(logits, labels);
      return bceWithLogits(logits, labels);
    });
  }
}
