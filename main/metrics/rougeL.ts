// ROUGE-L (Lin 2004): longest common subsequence of words; F-measure (β = 1) per pair, averaged over
// the corpus (as rouge_score's scorer plus a mean, and Hugging Face evaluate without bootstrap).
// Tokens: lowercased runs of letters and digits. rouge_score keeps only [a-z0-9] and so drops every
// non-ASCII word; we keep Unicode letters so German or French outputs of mT5 are scored, not erased.

export function rougeTokens(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** Length of the longest common subsequence (O(n·m) time, O(m) memory). */
export function lcsLength(a: readonly string[], b: readonly string[]): number {
  if (!a.length || !b.length) return 0;
  let prev = new Array<number>(b.length + 1).fill(0);
  let cur = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) cur[j] = a[i - 1] === b[j - 1] ? prev[j - 1] + 1 : Math.max(prev[j], cur[j - 1]);
    [prev, cur] = [cur, prev];
  }
  return prev[b.length];
}

export interface RougeLScore {
  precision: number;
  recall: number;
  fmeasure: number;
}

export function rougeLPair(hypothesis: string, reference: string): RougeLScore {
  const h = rougeTokens(hypothesis);
  const r = rougeTokens(reference);
  const lcs = lcsLength(h, r);
  if (lcs === 0) return { precision: 0, recall: 0, fmeasure: 0 };
  const precision = lcs / h.length;
  const recall = lcs / r.length;
  return { precision, recall, fmeasure: (2 * precision * recall) / (precision + recall) };
}

/** Mean ROUGE-L F-measure over pairs, 0–1. */
export function rougeL(hypotheses: readonly string[], references: readonly string[]): number {
  if (hypotheses.length !== references.length) throw new Error(`${hypotheses.length} hypotheses but ${references.length} references`);
  if (!hypotheses.length) return Number.NaN;
  let sum = 0;
  for (let i = 0; i < hypotheses.length; i++) sum += rougeLPair(hypotheses[i], references[i]).fmeasure;
  return sum / hypotheses.length;
}
