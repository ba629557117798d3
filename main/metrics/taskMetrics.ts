// Which metrics each task reports, the default one that picks the best checkpoint, and its direction.
import type { Task } from '../../common/runConfig.ts';
import { corpusBleu } from './bleu.ts';
import { accuracy, macroF1, mcc } from './classification.ts';
import { pearson, spearman } from './correlation.ts';
import { rougeL } from './rougeL.ts';

export const TASK_METRICS: Record<Task, readonly string[]> = {
  classification: ['accuracy', 'macro_f1', 'mcc'],
  regression: ['pearson', 'spearman', 'mse'],
  seq2seq: ['bleu', 'rouge_l'],
};

export interface MetricChoice {
  name: string;
  higherIsBetter: boolean;
}

const DEFAULT_METRIC: Record<Task, string> = { classification: 'accuracy', regression: 'pearson', seq2seq: 'bleu' };

/** Losses and errors go down; every score we compute goes up. Unknown names count as scores. */
export function higherIsBetter(metric: string): boolean {
  return !/(^|[/_])(loss|mse|mae|rmse|error|perplexity)$/.test(metric);
}

/** The metric that picks the best checkpoint and drives early stopping, unless the config names one. */
export function metricForTask(task: Task, configured?: string): MetricChoice {
  const name = configured ?? DEFAULT_METRIC[task];
  return { name, higherIsBetter: higherIsBetter(name) };
}

/** Names a config may use for `training.metric` (plus "loss", the eval loss). */
export function allowedMetrics(task: Task): string[] {
  return [...TASK_METRICS[task], 'loss'];
}

export type EvalOutputs =
  | { task: 'classification'; predictions: ArrayLike<number>; references: ArrayLike<number> }
  | { task: 'regression'; predictions: ArrayLike<number>; references: ArrayLike<number> }
  | { task: 'seq2seq'; predictions: readonly string[]; references: readonly string[] };

export function computeMetrics(out: EvalOutputs): Record<string, number> {
  switch (out.task) {
    case 'classification':
      return { accuracy: accuracy(out.predictions, out.references), macro_f1: macroF1(out.predictions, out.references), mcc: mcc(out.predictions, out.references) };
    case 'regression': {
      let se = 0;
      for (let i = 0; i < out.references.length; i++) se += (out.predictions[i] - out.references[i]) ** 2;
      return {
        pearson: pearson(out.predictions, out.references),
        spearman: spearman(out.predictions, out.references),
        mse: out.references.length ? se / out.references.length : Number.NaN,
      };
    }
    case 'seq2seq':
      return { bleu: corpusBleu(out.predictions, out.references).score, rouge_l: rougeL(out.predictions, out.references) };
  }
}
