// Classification metrics over integer class ids: accuracy, macro-F1 and Matthews correlation.

function checkLengths(pred: ArrayLike<number>, gold: ArrayLike<number>): void {
  if (pred.length !== gold.length) throw new Error(`predictions and references differ in length (${pred.length} vs ${gold.length})`);
}

export function accuracy(pred: ArrayLike<number>, gold: ArrayLike<number>): number {
  checkLengths(pred, gold);
  if (gold.length === 0) return Number.NaN;
  let ok = 0;
  for (let i = 0; i < gold.length; i++) if (pred[i] === gold[i]) ok++;
  return ok / gold.length;
}

/** The classes that occur in either array, ascending (sklearn's default label set). */
function classesOf(pred: ArrayLike<number>, gold: ArrayLike<number>): number[] {
  const s = new Set<number>();
  for (let i = 0; i < gold.length; i++) s.add(gold[i]).add(pred[i]);
  return [...s].sort((a, b) => a - b);
}

/** counts[t][p]: how often true class t was predicted as p, over `classes` (index order). */
export function confusionMatrix(pred: ArrayLike<number>, gold: ArrayLike<number>, classes: readonly number[] = classesOf(pred, gold)): number[][] {
  checkLengths(pred, gold);
  const index = new Map(classes.map((c, i) => [c, i]));
  const m = classes.map(() => classes.map(() => 0));
  for (let i = 0; i < gold.length; i++) {
    const t = index.get(gold[i]);
    const p = index.get(pred[i]);
    if (t !== undefined && p !== undefined) m[t][p]++;
  }
  return m;
}

/**
 * Unweighted mean of per-class F1 over the classes present in predictions or references (as sklearn's
 * f1_score(average="macro")); a class with no true and no predicted positives cannot occur, and a class
 * with precision and recall both 0 scores 0.
 */
export function macroF1(pred: ArrayLike<number>, gold: ArrayLike<number>): number {
  checkLengths(pred, gold);
  if (gold.length === 0) return Number.NaN;
  const classes = classesOf(pred, gold);
  const m = confusionMatrix(pred, gold, classes);
  let sum = 0;
  for (let k = 0; k < classes.length; k++) {
    const tp = m[k][k];
    let predicted = 0;
    let actual = 0;
    for (let j = 0; j < classes.length; j++) {
      predicted += m[j][k];
      actual += m[k][j];
    }
    // F1 = 2TP / (2TP + FP + FN) = 2TP / (predicted + actual)
    sum += predicted + actual === 0 ? 0 : (2 * tp) / (predicted + actual);
  }
  return sum / classes.length;
}

/**
 * Matthews correlation coefficient, multi-class (Gorodkin 2004, the R_K statistic; sklearn's form):
 *   MCC = (c·s − Σ_k p_k t_k) / sqrt((s² − Σ_k p_k²)(s² − Σ_k t_k²))
 * with c correct predictions, s samples, p_k times class k was predicted, t_k times it truly occurred.
 * For two classes it equals the usual (TP·TN − FP·FN)/sqrt(…). 0 when the denominator is 0 (a
 * constant prediction or a constant reference).
 */
export function mcc(pred: ArrayLike<number>, gold: ArrayLike<number>): number {
  checkLengths(pred, gold);
  const s = gold.length;
  if (s === 0) return Number.NaN;
  const p = new Map<number, number>();
  const t = new Map<number, number>();
  let c = 0;
  for (let i = 0; i < s; i++) {
    p.set(pred[i], (p.get(pred[i]) ?? 0) + 1);
    t.set(gold[i], (t.get(gold[i]) ?? 0) + 1);
    if (pred[i] === gold[i]) c++;
  }
  let pt = 0;
  for (const [k, pk] of p) pt += pk * (t.get(k) ?? 0);
  let pp = 0;
  for (const pk of p.values()) pp += pk * pk;
  let tt = 0;
  for (const tk of t.values()) tt += tk * tk;
  const den = Math.sqrt((s * s - pp) * (s * s - tt));
  return den === 0 ? 0 : (c * s - pt) / den;
}
