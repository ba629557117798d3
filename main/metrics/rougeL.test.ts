import { describe, expect, it } from 'vitest';
import { lcsLength, rougeL, rougeLPair, rougeTokens } from './rougeL.ts';

describe('ROUGE-L', () => {
  it('matches Lin (2004), section 3.1', () => {
    // R: "police killed the gunman"; S2: "police kill the gunman" -> LCS "police the gunman" = 3 -> P = R = 3/4 -> F = 0.75
    // S3: "the gunman kill police" -> LCS "the gunman" = 2 -> F = 0.5
    expect(rougeLPair('police kill the gunman', 'police killed the gunman').fmeasure).toBeCloseTo(0.75, 14);
    expect(rougeLPair('the gunman kill police', 'police killed the gunman').fmeasure).toBeCloseTo(0.5, 14);
    expect(rougeL(['police kill the gunman', 'the gunman kill police'], ['police killed the gunman', 'police killed the gunman'])).toBeCloseTo(0.625, 14);
  });

  it('uses precision and recall of different lengths', () => {
    // hyp "the cat" vs ref "the cat sat down": LCS 2, P = 1, R = 1/2, F = 2·1·0.5/1.5 = 2/3
    expect(rougeLPair('The cat', 'the cat sat down.')).toEqual({ precision: 1, recall: 0.5, fmeasure: expect.closeTo(2 / 3, 14) });
    expect(rougeLPair('', 'x').fmeasure).toBe(0);
  });

  it('tokenizes case-insensitively and keeps non-ASCII words', () => {
    expect(rougeTokens('Das Haus ist grün, 3x!')).toEqual(['das', 'haus', 'ist', 'grün', '3x']);
    expect(lcsLength(['a', 'b', 'c', 'b', 'd', 'a', 'b'], ['b', 'd', 'c', 'a', 'b', 'a'])).toBe(4); // CLRS: "bcba"
  });
});
