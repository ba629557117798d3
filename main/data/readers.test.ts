import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { decodeUtf8, firstInvalidUtf8 } from './decode.ts';
import { DatasetError } from './errors.ts';
import { readDelimited } from './readCsv.ts';
import { readJsonl } from './readJsonl.ts';
import { formatOf, readTable } from './readTable.ts';

const td = (f: string): string => fileURLToPath(new URL(`../../testdata/datasets/${f}`, import.meta.url));

describe('readTable', () => {
  it('reads the same rows from CSV, TSV, JSONL and Parquet', async () => {
    const csv = await readTable(td('topics-sample.csv'));
    const tsv = await readTable(td('topics-sample.tsv'));
    const jsonl = await readTable(td('topics-sample.jsonl'));
    const parquet = await readTable(td('topics-sample.parquet'));
    expect(csv.columns).toEqual(['text', 'label']);
    expect(tsv.columns).toEqual(['sentence', 'label']);
    expect(parquet.columns).toEqual(['text', 'label']);
    expect(csv.rows).toHaveLength(120);
    expect(jsonl.rows).toEqual(csv.rows);
    expect(parquet.rows).toEqual(csv.rows);
    expect(tsv.rows.map((r) => [r.sentence, r.label])).toEqual(csv.rows.map((r) => [r.text, r.label]));
    // lines: CSV/TSV header is line 1; JSONL line 1 is a row; Parquet rows count from 1
    expect([csv.lines[0], tsv.lines[0], jsonl.lines[0], parquet.lines[0]]).toEqual([2, 2, 1, 1]);
    expect(csv.rows[0].text).toMatch(/\w/);
  });

  it('reads GLUE TSV with unescaped quotes as literal text', async () => {
    const t = await readTable(td('glue-style.tsv'));
    expect(t.rows).toEqual([
      { sentence: 'it \'s a "classic" , and it shows .', label: '1' },
      { sentence: '" the movie is a mess', label: '0' },
      { sentence: 'she said "no" twice .', label: '1' },
    ]);
    expect(t.lines).toEqual([2, 3, 4]);
  });

  it('knows formats by extension', () => {
    expect(['a.CSV', 'b.tsv', 'c.tab', 'd.jsonl', 'e.ndjson', 'f.parquet'].map((p) => formatOf(p))).toEqual(['csv', 'tsv', 'tsv', 'jsonl', 'jsonl', 'parquet']);
    expect(formatOf('x.txt', 'tsv')).toBe('tsv');
  });
});

describe('readDelimited', () => {
  it('gives each row the line it starts on, across quoted newlines, CRLF and blank lines', () => {
    const t = readDelimited('text,label\r\n"two\r\nlines",a\r\n\r\nnext,b\r\n"x ""q""",c\r\n', 'm.csv', 'csv');
    expect(t.rows).toEqual([
      { text: 'two\r\nlines', label: 'a' },
      { text: 'next', label: 'b' },
      { text: 'x "q"', label: 'c' },
    ]);
    expect(t.lines).toEqual([2, 5, 6]);
    // offsets are bytes: multi-byte characters must not shift the count
    expect(readDelimited('text,label\n"café ☕\nx",a\nü,b\n', 'u.csv', 'csv').lines).toEqual([2, 4]);
  });

  it('names blank and duplicate header cells and strips a UTF-8 BOM', () => {
    const t = readDelimited('\uFEFFtext,,text\n1,2,3\n', 'h.csv', 'csv');
    expect(t.columns).toEqual(['text', 'column_2', 'text_3']);
  });
});

describe('readJsonl', () => {
  it('keeps typed values, nested values as JSON, and the union of keys in first-seen order', () => {
    const t = readJsonl('{"text":"a","label":1}\n\n{"label":2,"text":"b","meta":{"k":[1]},"ok":true}\r\n', 'x.jsonl');
    expect(t.columns).toEqual(['text', 'label', 'meta', 'ok']);
    expect(t.rows).toEqual([
      { text: 'a', label: 1 },
      { label: 2, text: 'b', meta: '{"k":[1]}', ok: true },
    ]);
    expect(t.lines).toEqual([1, 3]);
  });

  it('reports every bad line at once', () => {
    let err: unknown;
    try {
      readJsonl('{"a":1}\nnope\n42\n{"b":2}\n', 'x.jsonl');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DatasetError);
    expect((err as DatasetError).issues.map((i) => [i.code, i.line])).toEqual([
      ['bad-json', 2],
      ['not-an-object', 3],
    ]);
  });
});

describe('decodeUtf8', () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  it('decodes UTF-8 and keeps non-ASCII text', () => {
    expect(decodeUtf8(enc('a,b\ncafé,ü\n'), 'x')).toBe('a,b\ncafé,ü\n');
  });

  it('names UTF-16 BE and UTF-32 LE by their byte-order marks', () => {
    expect(() => decodeUtf8(new Uint8Array([0xfe, 0xff, 0, 0x61]), 'x')).toThrow(/UTF-16 BE .*FE FF/);
    expect(() => decodeUtf8(new Uint8Array([0xff, 0xfe, 0, 0, 0x61, 0, 0, 0]), 'x')).toThrow(/UTF-32 LE/);
  });

  it('finds the first byte that is not valid UTF-8, as the strict decoder sees it', () => {
    const at = (bytes: number[]) => firstInvalidUtf8(new Uint8Array(bytes));
    expect(at([0x61, 0xc3, 0xa9])).toBe(-1); // é
    expect(at([0x61, 0xe9, 0x62])).toBe(1); // Latin-1 é
    expect(at([0xc0, 0x80])).toBe(0); // overlong
    expect(at([0xed, 0xa0, 0x80])).toBe(0); // surrogate U+D800
    expect(at([0xf4, 0x90, 0x80, 0x80])).toBe(0); // above U+10FFFF
    expect(at([0x61, 0x62, 0xe2, 0x82])).toBe(2); // truncated €
    expect(at([0xf0, 0x9f, 0x98, 0x80])).toBe(-1); // 😀
  });
});
