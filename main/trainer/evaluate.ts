// Evaluation on the validation set: the eval loss and the task's metrics (accuracy/macro-F1/MCC,
// Pearson/Spearman, BLEU/ROUGE-L with a few sample generations).
import * as tf from '@tensorflow/tfjs-core';
import type { Task } from '../../common/runConfig.ts';
import { MT5ForConditionalGeneration, disposeBatch, toBatch, type AnyModel, type HfTokenizer } from '../../models/index.ts';
import { collate, sequentialBatches, type EncodedExample, type Example } from '../data/index.ts';
import { computeMetrics } from '../metrics/index.ts';

export interface EvalResult {
  metrics: Record<string, number>;
  samples: { input: string; target: string; output: string }[];
}

export interface EvalInput {
  model: AnyModel;
  tokenizer: HfTokenizer;
  task: Task;
  encoded: EncodedExample[];
  examples: Example[];
  batchSize: number;
  maxTargetLength: number;
  sampleCount: number;
  /** Checked between batches so a stop request does not wait for a long evaluation. */
  shouldAbort?: () => boolean;
}

export async function evaluate(e: EvalInput): Promise<EvalResult | null> {
  const { model, task } = e;
  const pad = e.tokenizer.padTokenId ?? 0;
  let lossSum = 0;
  let lossWeight = 0;
  const predictions: number[] = [];
  const references: number[] = [];
  const generated: string[] = [];
  for (const indices of sequentialBatches(e.encoded.length, e.batchSize)) {
    if (e.shouldAbort?.()) return null;
    const rows = indices.map((i) => e.encoded[i]);
    const c = collate(rows, { task, padTokenId: pad });
    const batch = toBatch(c);
    try {
      const [loss, preds] = tf.tidy((): tf.Tensor[] => {
        const logits = model.forward(batch);
        const l = model.lossFromLogits(logits, batch.labels!);
        if (task === 'classification') return [l, tf.argMax(logits, -1)];
        if (task === 'regression') return [l, tf.reshape(logits, [-1])];
        return [l];
      });
      // Classification/regression losses are batch means; seq2seq losses are means over target tokens.
      const weight = task === 'seq2seq' ? rows.reduce((s, r) => s + (r.targetIds?.length ?? 0), 0) : rows.length;
      lossSum += (await loss.data())[0] * weight;
      lossWeight += weight;
      loss.dispose();
      if (preds) {
        predictions.push(...(await preds.data()));
        preds.dispose();
        for (const r of rows) references.push(r.label ?? Number.NaN);
      } else if (model instanceof MT5ForConditionalGeneration) {
        const results = await model.generate(batch.inputIds, batch.attentionMask, { maxNewTokens: e.maxTargetLength });
        for (const r of results) generated.push(e.tokenizer.decode(r.newTokens, true));
      }
    } finally {
      disposeBatch(batch);
    }
  }
  const metrics: Record<string, number> = { loss: lossWeight ? lossSum / lossWeight : Number.NaN };
  let samples: EvalResult['samples'] = [];
  if (task === 'seq2seq') {
    const refs = e.examples.map((x) => x.target ?? '');
    Object.assign(metrics, computeMetrics({ task, predictions: generated, references: refs }));
    samples = e.examples.slice(0, e.sampleCount).map((x, i) => ({ input: x.text, target: refs[i], output: generated[i] }));
  } else {
    Object.assign(metrics, computeMetrics({ task, predictions, references }));
  }
  return { metrics, samples };
}
