import { describe, expect, it } from 'vitest';
import { collate, IGNORE_INDEX } from './collate.ts';
import { fingerprintExamples } from './fingerprint.ts';
import { encodeExamples, type DataTokenizer } from './tokenize.ts';

/** A stand-in tokenizer: one id per character (a=10, b=11, …), RoBERTa-style specials <s>=0 </s>=2,
 * pairs as <s> A </s></s> B </s>, truncating the longer segment first. */
const charTok: DataTokenizer = {
  padTokenId: 1,
  encodeIds(text, pair, maxLength) {
    let a = [...text].map((c) => c.charCodeAt(0) - 87);
    let b = pair ? [...pair].map((c) => c.charCodeAt(0) - 87) : null;
    const specials = b ? 4 : 2;
    if (maxLength !== undefined) {
      while (a.length + (b?.length ?? 0) + specials > maxLength) {
        if (!b || a.length >= b.length) a = a.slice(0, -1);
        else b = b.slice(0, -1);
      }
    }
    return b ? [0, ...a, 2, 2, ...b, 2] : [0, ...a, 2];
  },
};

describe('encodeExamples + collate', () => {
  it('pads a classification batch to its longest row with an attention mask', () => {
    const enc = encodeExamples(charTok, [{ line: 2, text: 'ab', label: 1 }, { line: 3, text: 'abcd', label: 0 }], { task: 'classification', maxLength: 16 });
    const b = collate(enc, { task: 'classification', padTokenId: charTok.padTokenId });
    expect(b.inputIds).toEqual([
      [0, 10, 11, 2, 1, 1],
      [0, 10, 11, 12, 13, 2],
    ]);
    expect(b.attentionMask).toEqual([
      [1, 1, 1, 1, 0, 0],
      [1, 1, 1, 1, 1, 1],
    ]);
    expect(b.labels).toEqual([1, 0]);
    expect(b.labelsDtype).toBe('int32');
    expect(b.numTokens).toBe(10);
  });

  it('truncates pairs through the tokenizer (longest first) and rounds padding up when asked', () => {
    const [e] = encodeExamples(charTok, [{ line: 2, text: 'abcdef', textPair: 'ab', label: 2.5 }], { task: 'regression', maxLength: 8 });
    // 8 ids - 4 specials leave 4: the longer text is cut first (6 -> 2), then both shrink together
    expect(e.inputIds).toEqual([0, 10, 11, 2, 2, 10, 11, 2]);
    const b = collate([e], { task: 'regression', padTokenId: 1, padToMultipleOf: 8 });
    expect(b.inputIds[0]).toHaveLength(8);
    expect(b.labelsDtype).toBe('float32');
    expect(b.labels).toEqual([2.5]);
  });

  it('pads seq2seq targets with -100', () => {
    const enc = encodeExamples(charTok, [{ line: 1, text: 'a', target: 'bc' }, { line: 2, text: 'ab', target: 'b' }], { task: 'seq2seq', maxLength: 8, maxTargetLength: 8 });
    const b = collate(enc, { task: 'seq2seq', padTokenId: 1 });
    expect(b.labels).toEqual([
      [0, 11, 12, 2],
      [0, 11, 2, IGNORE_INDEX],
    ]);
  });

  it('refuses a tokenizer without a pad token', () => {
    expect(() => collate([{ inputIds: [1], label: 0 }], { task: 'classification', padTokenId: null })).toThrow(/no pad token/);
  });
});

describe('fingerprintExamples', () => {
  it('changes when any text or label changes', () => {
    const a = [{ line: 1, text: 'x', label: 0 }];
    expect(fingerprintExamples(a)).toBe(fingerprintExamples([{ line: 9, text: 'x', label: 0 }]));
    expect(fingerprintExamples(a)).not.toBe(fingerprintExamples([{ line: 1, text: 'x', label: 1 }]));
    expect(fingerprintExamples(a)).toMatch(/^[0-9a-f]{16}$/);
  });
});
