// Every documented dataset error (docs/datasets.md), each from a small malformed file in
// testdata/datasets/bad/: the error code, the line and the words a user needs to fix it.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { DatasetSpecSchema } from '../../common/runConfig.ts';
import { DATASET_ISSUE_CODES, DatasetError, type DatasetIssueCode } from './errors.ts';
import { loadDataset, type LoadOptions } from './loadDataset.ts';
import { previewDataset } from './preview.ts';

const bad = (f: string): string => fileURLToPath(new URL(`../../testdata/datasets/bad/${f}`, import.meta.url));

interface Case {
  file: string;
  code: DatasetIssueCode;
  line: number | null;
  message: RegExp;
  spec?: Partial<z.input<typeof DatasetSpecSchema>>;
  opts?: LoadOptions;
}

const cases: Case[] = [
  { file: 'does-not-exist.csv', code: 'file-not-found', line: null, message: /no such file/ },
  { file: 'notes.txt', code: 'unsupported-format', line: null, message: /extension "\.txt".*\.csv, \.tsv, \.jsonl or \.parquet/ },
  { file: 'empty.csv', code: 'empty-file', line: null, message: /empty \(0 bytes\)/ },
  { file: 'utf16.csv', code: 'utf16-bom', line: null, message: /UTF-16 LE .*FF FE.*save it as UTF-8/ },
  { file: 'latin1.csv', code: 'invalid-utf8', line: 3, message: /not valid UTF-8 \(byte 0xE9.*Latin-1/ },
  { file: 'unclosed-quote.csv', code: 'csv-syntax', line: 3, message: /quote opened here is never closed/ },
  { file: 'field-count.csv', code: 'csv-syntax', line: 3, message: /3 fields but the header has 2.*must be quoted/ },
  { file: 'not-json.jsonl', code: 'bad-json', line: 2, message: /not valid JSON/ },
  { file: 'not-an-object.jsonl', code: 'not-an-object', line: 2, message: /a JSON array where an object/ },
  { file: 'not-parquet.parquet', code: 'bad-parquet', line: null, message: /cannot read it as Parquet/ },
  { file: 'header-only.csv', code: 'no-rows', line: null, message: /has a header \(text, label\) but no rows/ },
  { file: 'missing-column.csv', code: 'missing-column', line: null, message: /no column 'text' .*the columns are: body, label/ },
  { file: 'missing-column.csv', code: 'missing-column', line: null, message: /no column 'Body' .*did you mean 'body'\?/, spec: { columns: { text: 'Body', label: 'label' } } },
  { file: 'empty-text.csv', code: 'empty-text', line: 3, message: /text in column 'text' is empty/ },
  { file: 'missing-label.csv', code: 'missing-label', line: 3, message: /no label in column 'label'/ },
  { file: 'mixed-labels.csv', code: 'mixed-label-types', line: 57, message: /^label 'pos ' is a string but earlier labels are numbers \(the first at line 2\)/ },
  { file: 'class-out-of-range.csv', code: 'bad-class-label', line: 4, message: /label 5 is out of range: the model has 3 labels \(0–2\)/, opts: { modelLabels: ['LABEL_0', 'LABEL_1', 'LABEL_2'] } },
  { file: 'fractional-class.csv', code: 'bad-class-label', line: 3, message: /label 1\.5 is not a class id.*task: regression/, opts: { task: 'classification' } },
  { file: 'unknown-label.csv', code: 'unknown-label', line: 4, message: /label 'neutral' is not one of the model's labels: negative, positive/, opts: { modelLabels: ['negative', 'positive'] } },
  { file: 'too-many-labels.csv', code: 'too-many-labels', line: null, message: /has 4 labels \(food, music, sports, weather\) but the model's classification head has 3/, opts: { modelLabels: ['LABEL_0', 'LABEL_1', 'LABEL_2'] } },
  { file: 'regression-target.csv', code: 'bad-regression-target', line: 3, message: /target 'n\/a' is not a number/, opts: { task: 'regression' } },
  { file: 'empty-target.jsonl', code: 'empty-target', line: 2, message: /target text in column 'target' is empty/, spec: { columns: { text: 'source' } }, opts: { task: 'seq2seq' } },
  { file: 'no-label.csv', code: 'no-label-column', line: null, message: /cannot tell the task: no label or target column/ },
  { file: 'no-label.csv', code: 'no-label-column', line: null, message: /no label column for classification: set dataset.columns.label/, opts: { task: 'classification' } },
  { file: 'one-row.csv', code: 'split-too-small', line: null, message: /1 row\(s\) cannot be split.*dataset.validation/ },
];

describe('malformed dataset files', () => {
  it.each(cases.map((c) => [`${c.file} → ${c.code}`, c] as const))('%s', async (_name, c) => {
    const spec = DatasetSpecSchema.parse({ train: bad(c.file), ...c.spec });
    const err = await loadDataset(spec, c.opts).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DatasetError);
    const e = err as DatasetError;
    const hit = e.issues.find((i) => i.code === c.code);
    expect(hit, e.message).toBeDefined();
    expect(hit!.line).toBe(c.line);
    expect(hit!.message).toMatch(c.message);
    // the thrown message leads with the file and shows the line
    expect(e.message).toContain(c.file);
    if (c.line !== null) expect(e.message).toContain(`line ${c.line}: `);
  });

  it('covers every issue code', () => {
    const tested = new Set(cases.map((c) => c.code));
    expect(DATASET_ISSUE_CODES.filter((c) => !tested.has(c))).toEqual([]);
  });

  it('collects all rows’ problems in one pass', async () => {
    const e = (await loadDataset(DatasetSpecSchema.parse({ train: bad('empty-text.csv') })).catch((x: unknown) => x)) as DatasetError;
    expect(e.issues.map((i) => [i.code, i.line])).toEqual([
      ['empty-text', 3],
      ['empty-text', 4],
    ]);
  });

  it('preview reports the same problems instead of throwing', async () => {
    const p = await previewDataset(DatasetSpecSchema.parse({ train: bad('mixed-labels.csv') }));
    expect(p.errors.map((i) => [i.code, i.line])).toEqual([['mixed-label-types', 57], ['mixed-label-types', 58]]);
    expect(p.rowCount).toBe(57);
    const q = await previewDataset(DatasetSpecSchema.parse({ train: bad('utf16.csv') }));
    expect(q).toMatchObject({ columns: [], rowCount: 0, errors: [{ code: 'utf16-bom' }] });
  });
});

describe('docs/datasets.md', () => {
  it('documents every issue code', async () => {
    const { readFile } = await import('node:fs/promises');
    const doc = await readFile(join(fileURLToPath(new URL('../../docs/', import.meta.url)), 'datasets.md'), 'utf8');
    const missing = DATASET_ISSUE_CODES.filter((c) => !doc.includes(`\`${c}\``));
    expect(missing).toEqual([]);
  });
});
