import { describe, expect, it } from 'vitest';
import { accuracy, confusionMatrix, macroF1, mcc } from './classification.ts';

// Worked example (3 classes, 10 rows):
//   gold = 0 0 0 1 1 2 2 2 2 1
//   pred = 0 1 0 1 2 2 2 0 2 1     -> 7 correct
// Confusion (rows true, cols predicted): [[2,1,0],[0,2,1],[1,0,3]]
//   true counts t = (3,3,4), predicted counts p = (3,3,4)
// F1_k = 2TP/(p_k + t_k): 4/6, 4/6, 6/8 -> macro = (2/3 + 2/3 + 3/4)/3 = 25/36
// MCC (Gorodkin): (c·s − Σ p_k t_k) / sqrt((s² − Σp²)(s² − Σt²)) = (70 − 34) / sqrt(66·66) = 36/66 = 6/11
const gold = [0, 0, 0, 1, 1, 2, 2, 2, 2, 1];
const pred = [0, 1, 0, 1, 2, 2, 2, 0, 2, 1];

describe('classification metrics', () => {
  it('match the hand-derived 3-class example', () => {
    expect(accuracy(pred, gold)).toBe(0.7);
    expect(confusionMatrix(pred, gold)).toEqual([
      [2, 1, 0],
      [0, 2, 1],
      [1, 0, 3],
    ]);
    expect(macroF1(pred, gold)).toBeCloseTo(25 / 36, 14);
    expect(mcc(pred, gold)).toBeCloseTo(6 / 11, 14);
  });

  it('MCC reduces to the binary formula', () => {
    // TP=3, FN=2, TN=4, FP=1: (TP·TN − FP·FN)/sqrt((TP+FP)(TP+FN)(TN+FP)(TN+FN)) = (12 − 2)/sqrt(4·5·5·6) = 10/sqrt(600)
    const g = [1, 1, 1, 1, 1, 0, 0, 0, 0, 0];
    const p = [1, 1, 1, 0, 0, 0, 0, 0, 0, 1];
    expect(mcc(p, g)).toBeCloseTo(10 / Math.sqrt(600), 14);
    expect(mcc(g, g)).toBe(1);
    expect(mcc(g.map((x) => 1 - x), g)).toBe(-1);
  });

  it('MCC is 0 for a constant prediction (denominator 0)', () => {
    expect(mcc([1, 1, 1, 1], [0, 1, 0, 1])).toBe(0);
  });

  it('macro-F1 counts a class that is only predicted, with F1 0', () => {
    // classes {0,1}: class 0 TP=1, p=1, t=2 -> 2/3; class 1 TP=0 -> 0; mean 1/3
    expect(macroF1([0, 1], [0, 0])).toBeCloseTo(1 / 3, 14);
  });

  it('rejects mismatched lengths and returns NaN for no rows', () => {
    expect(() => accuracy([1], [1, 2])).toThrow(/differ in length/);
    expect(accuracy([], [])).toBeNaN();
  });
});
