// Corpus BLEU with sacrebleu's defaults (Post 2018, "A Call for Clarity in Reporting BLEU Scores"):
// 4-gram precisions clipped by the maximum count in any reference, uniform weights, brevity penalty
// against the closest reference length (ties → the shorter), 13a tokenization, case kept, and "exp"
// smoothing (mteval's: the k-th order with zero matches counts as 1/2^k of a match). Scores are on
// sacrebleu's 0–100 scale so they read like the numbers in papers.
import { tokenize13a } from './tokenize13a.ts';

export interface BleuResult {
  /** 0–100. */
  score: number;
  /** Per-order precisions in percent, after smoothing. */
  precisions: number[];
  brevityPenalty: number;
  sysLen: number;
  refLen: number;
  correct: number[];
  total: number[];
}

export interface BleuOptions {
  lowercase?: boolean;
  /** '13a' (default) or 'none' (text is already tokenized; split on whitespace). */
  tokenize?: '13a' | 'none';
  maxOrder?: number;
}

function ngramCounts(tokens: readonly string[], maxOrder: number): Map<string, number>[] {
  const out: Map<string, number>[] = [];
  for (let n = 1; n <= maxOrder; n++) {
    const m = new Map<string, number>();
    for (let i = 0; i + n <= tokens.length; i++) {
      const key = tokens.slice(i, i + n).join(' ');
      m.set(key, (m.get(key) ?? 0) + 1);
    }
    out.push(m);
  }
  return out;
}

function closestRefLen(hypLen: number, refLens: readonly number[]): number {
  let best = -1;
  let bestDiff = Infinity;
  for (const r of refLens) {
    const d = Math.abs(hypLen - r);
    if (d < bestDiff || (d === bestDiff && r < best)) {
      bestDiff = d;
      best = r;
    }
  }
  return best;
}

/**
 * `references[i]` is the reference (or the list of references) of `hypotheses[i]`. Note sacrebleu's
 * API takes reference *streams* (refs[j][i]); this one takes a list per hypothesis.
 */
export function corpusBleu(hypotheses: readonly string[], references: readonly (string | readonly string[])[], opts: BleuOptions = {}): BleuResult {
  if (hypotheses.length !== references.length) throw new Error(`${hypotheses.length} hypotheses but ${references.length} references`);
  const maxOrder = opts.maxOrder ?? 4;
  const tok = (s: string): string[] => {
    const t = opts.lowercase ? s.toLowerCase() : s;
    return opts.tokenize === 'none' ? t.split(/\s+/).filter(Boolean) : tokenize13a(t);
  };
  const correct = new Array<number>(maxOrder).fill(0);
  const total = new Array<number>(maxOrder).fill(0);
  let sysLen = 0;
  let refLen = 0;
  hypotheses.forEach((hyp, i) => {
    const refs = typeof references[i] === 'string' ? [references[i] as string] : (references[i] as readonly string[]);
    if (!refs.length) throw new Error(`hypothesis ${i + 1} has no reference`);
    const refTokens = refs.map(tok);
    const maxRef: Map<string, number>[] = Array.from({ length: maxOrder }, () => new Map());
    for (const rt of refTokens) {
      ngramCounts(rt, maxOrder).forEach((m, n) => {
        for (const [g, c] of m) maxRef[n].set(g, Math.max(maxRef[n].get(g) ?? 0, c));
      });
    }
    const ht = tok(hyp);
    sysLen += ht.length;
    refLen += closestRefLen(ht.length, refTokens.map((r) => r.length));
    ngramCounts(ht, maxOrder).forEach((m, n) => {
      for (const [g, c] of m) {
        total[n] += c;
        correct[n] += Math.min(c, maxRef[n].get(g) ?? 0);
      }
    });
  });
  return bleuFromCounts(correct, total, sysLen, refLen);
}

/** sacrebleu's compute_bleu with smooth_method="exp" and no effective order. */
export function bleuFromCounts(correct: readonly number[], total: readonly number[], sysLen: number, refLen: number): BleuResult {
  const maxOrder = correct.length;
  const brevityPenalty = sysLen < refLen ? (sysLen > 0 ? Math.exp(1 - refLen / sysLen) : 0) : 1;
  const precisions = new Array<number>(maxOrder).fill(0);
  const result = (score: number): BleuResult => ({ score, precisions, brevityPenalty, sysLen, refLen, correct: [...correct], total: [...total] });
  if (!correct.some((c) => c > 0)) return result(0);
  let smooth = 1;
  for (let n = 0; n < maxOrder; n++) {
    if (total[n] === 0) break; // higher orders stay 0: the score is 0 (sacrebleu without effective order)
    if (correct[n] === 0) {
      smooth *= 2;
      precisions[n] = 100 / (smooth * total[n]);
    } else {
      precisions[n] = (100 * correct[n]) / total[n];
    }
  }
  if (precisions.some((p) => p === 0)) return result(0);
  const logMean = precisions.reduce((s, p) => s + Math.log(p), 0) / maxOrder;
  return result(brevityPenalty * Math.exp(logMean));
}
