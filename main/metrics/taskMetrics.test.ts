import { describe, expect, it } from 'vitest';
import { computeMetrics, higherIsBetter, metricForTask } from './taskMetrics.ts';

describe('task metrics', () => {
  it('pick a default metric per task with its direction', () => {
    expect(metricForTask('classification')).toEqual({ name: 'accuracy', higherIsBetter: true });
    expect(metricForTask('regression')).toEqual({ name: 'pearson', higherIsBetter: true });
    expect(metricForTask('seq2seq')).toEqual({ name: 'bleu', higherIsBetter: true });
    expect(metricForTask('classification', 'loss')).toEqual({ name: 'loss', higherIsBetter: false });
    expect(higherIsBetter('eval/loss')).toBe(false);
    expect(higherIsBetter('mse')).toBe(false);
    expect(higherIsBetter('macro_f1')).toBe(true);
  });

  it('compute every metric of a task', () => {
    expect(computeMetrics({ task: 'classification', predictions: [0, 1, 1], references: [0, 1, 0] })).toEqual({
      accuracy: 2 / 3,
      // class 0: TP 1, p 1, t 2 -> 2/3; class 1: TP 1, p 2, t 1 -> 2/3
      macro_f1: expect.closeTo(2 / 3, 14),
      // c=2, s=3, p=(1,2), t=(2,1): (6 − 4)/sqrt((9 − 5)(9 − 5)) = 0.5
      mcc: expect.closeTo(0.5, 14),
    });
    // mse = (0 + 1 + 4)/3
    expect(computeMetrics({ task: 'regression', predictions: [1, 2, 3], references: [1, 3, 5] })).toEqual({ pearson: expect.closeTo(1, 14), spearman: expect.closeTo(1, 14), mse: 5 / 3 });
    expect(computeMetrics({ task: 'seq2seq', predictions: ['a b c d'], references: ['a b c d'] })).toEqual({ bleu: expect.closeTo(100, 10), rouge_l: 1 });
  });
});
