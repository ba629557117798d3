import { describe, expect, it } from 'vitest';
import { bleuFromCounts, corpusBleu } from './bleu.ts';
import { tokenize13a } from './tokenize13a.ts';

describe('tokenize13a', () => {
  it('splits like mteval-v13a', () => {
    expect(tokenize13a("It wasn't surprising.")).toEqual(['It', "wasn't", 'surprising', '.']); // apostrophe is not split
    expect(tokenize13a('3.5 and 1,000-2 (x)')).toEqual(['3.5', 'and', '1,000', '-', '2', '(', 'x', ')']); // numbers keep . and ,
    expect(tokenize13a('U.S. well-known')).toEqual(['U', '.', 'S', '.', 'well-known']); // hyphen between letters stays
    expect(tokenize13a('&quot;hi&quot; a&amp;b ')).toEqual(['"', 'hi', '"', 'a', '&', 'b']);
  });
});

describe('corpusBleu', () => {
  it('reproduces the sacrebleu README example: 48.53 (82.4/50.0/45.5/37.5, BP 0.943, 17/18)', () => {
    // Hand derivation (13a tokens; clipping against the max count in either reference):
    //  hyp 1 "The dog bit the man ." (6) equals ref A1 -> 6/6, 5/5, 4/4, 3/3; closest ref len 6
    //  hyp 2 "It wasn't surprising ." (4): "It" and "." match -> 2/4, 0/3, 0/2, 0/1; refs 5,5 -> 5
    //  hyp 3 "The man had just bitten him ." (7): The man had bitten him . -> 6/7;
    //        bigrams "The man", "man had" -> 2/6; trigram "The man had" -> 1/5; 0/4; refs 6,7 -> 7
    //  totals: 14/17, 7/14, 5/11, 3/8; sys 17, ref 18 -> BP = exp(1 − 18/17)
    const sys = ['The dog bit the man.', "It wasn't surprising.", 'The man had just bitten him.'];
    const refs = [
      ['The dog bit the man.', 'The dog had bit the man.'],
      ['It was not unexpected.', 'No one was surprised.'],
      ['The man bit him first.', 'The man had bitten the dog.'],
    ];
    const r = corpusBleu(sys, refs);
    expect(r.correct).toEqual([14, 7, 5, 3]);
    expect(r.total).toEqual([17, 14, 11, 8]);
    expect([r.sysLen, r.refLen]).toEqual([17, 18]);
    const expected = 100 * Math.exp(1 - 18 / 17) * Math.pow((14 / 17) * (7 / 14) * (5 / 11) * (3 / 8), 1 / 4);
    expect(r.score).toBeCloseTo(expected, 10);
    expect(r.score.toFixed(2)).toBe('48.53');
    expect(r.brevityPenalty.toFixed(3)).toBe('0.943');
  });

  it('smooths a zero-match order the "exp" way', () => {
    // "a b c d" vs "a b c e": 3/4, 2/3, 1/2, 0/1 -> 4-gram precision 1/(2·1) = 50%; BP 1
    // BLEU = (0.75 · 2/3 · 0.5 · 0.5)^(1/4) = 0.125^(1/4)
    const r = corpusBleu(['a b c d'], ['a b c e']);
    expect(r.precisions).toEqual([75, (100 * 2) / 3, 50, 50]);
    expect(r.score).toBeCloseTo(100 * Math.pow(0.125, 0.25), 10);
  });

  it('applies the brevity penalty and picks the shorter of two equally close references', () => {
    // all n-grams match; sys 4, ref 6 -> BP = exp(1 − 6/4) = exp(−0.5)
    expect(corpusBleu(['a b c d'], ['a b c d e f']).score).toBeCloseTo(100 * Math.exp(-0.5), 10);
    // refs of length 3 and 5 are both 1 away from 4: the shorter (3) is used, so no penalty
    const tie = corpusBleu(['a b c d'], [['a b c', 'a b c d e']]);
    expect(tie.refLen).toBe(3);
    expect(tie.score).toBeCloseTo(100, 10);
  });

  it('is 0 with no matches, or when a hypothesis is too short for 4-grams (no effective order)', () => {
    expect(corpusBleu(['x y'], ['a b']).score).toBe(0);
    expect(corpusBleu(['a b'], ['a b c']).score).toBe(0);
    expect(bleuFromCounts([0, 0, 0, 0], [0, 0, 0, 0], 0, 3).score).toBe(0);
  });

  it('is case-sensitive unless asked', () => {
    expect(corpusBleu(['The cat sat on the mat'], ['the cat sat on the mat']).score).toBeLessThan(100);
    expect(corpusBleu(['The cat sat on the mat'], ['the cat sat on the mat'], { lowercase: true }).score).toBeCloseTo(100, 10);
  });
});
