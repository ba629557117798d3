import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DatasetSpecSchema } from '../../common/runConfig.ts';
import { loadDataset } from './loadDataset.ts';
import { previewDataset } from './preview.ts';

const path = (p: string): string => fileURLToPath(new URL(`../../${p}`, import.meta.url));
const spec = (o: Record<string, unknown>) => DatasetSpecSchema.parse(o);

describe('loadDataset', () => {
  it('loads the bundled topics dataset with its validation file', async () => {
    const ds = await loadDataset(spec({ train: path('assets/datasets/topics/train.csv'), validation: path('assets/datasets/topics/validation.csv') }), {
      modelLabels: ['LABEL_0', 'LABEL_1', 'LABEL_2'],
    });
    expect(ds.task).toBe('classification');
    expect(ds.labels).toEqual(['food', 'sports', 'weather']);
    expect([ds.train.length, ds.validation.length, ds.validationSource]).toEqual([3000, 600, 'file']);
    expect(ds.mapping).toEqual({ text: 'text', label: 'label' });
    expect(ds.notes.map((n) => n.message)).toEqual(["using column 'label' as label (set dataset.columns.label to choose another)"]);
    expect(new Set(ds.train.map((e) => e.label))).toEqual(new Set([0, 1, 2]));
  });

  it('splits a single file by a seeded, stratified fraction and limits rows', async () => {
    const s = spec({ train: path('testdata/datasets/topics-sample.jsonl'), validationFraction: 0.25, splitSeed: 5, maxRows: 50 });
    const a = await loadDataset(s);
    const b = await loadDataset(s);
    expect(a.validationSource).toBe('split');
    expect(a.validation.map((e) => e.line)).toEqual(b.validation.map((e) => e.line));
    expect(a.train).toHaveLength(50);
    expect(a.validation.length).toBeGreaterThanOrEqual(28);
    expect(a.validation.length).toBeLessThanOrEqual(32);
  });

  it('picks GLUE TSV columns and seq2seq targets by name', async () => {
    const tsv = await loadDataset(spec({ train: path('testdata/datasets/topics-sample.tsv'), validationFraction: 0.2 }));
    expect(tsv.mapping).toEqual({ text: 'sentence', label: 'label' });
    const digits = await loadDataset(spec({ train: path('assets/datasets/digits/train.jsonl'), validation: path('assets/datasets/digits/validation.jsonl') }));
    expect(digits.task).toBe('seq2seq');
    expect(digits.mapping).toEqual({ text: 'source', target: 'target' });
    expect(digits.train[0]).toMatchObject({ line: 1, text: expect.stringMatching(/^\d( \d)*$/), target: expect.any(String) });
    expect(digits.labels).toBeNull();
  });
});

describe('previewDataset', () => {
  it('shows rows, columns, mapping, task and label counts', async () => {
    const p = await previewDataset(spec({ train: path('testdata/datasets/topics-sample.parquet') }), { rows: 3 });
    expect(p).toMatchObject({ format: 'parquet', columns: ['text', 'label'], rowCount: 120, suggestedMapping: { text: 'text', label: 'label' }, inferredTask: 'classification', errors: [] });
    expect(p.rows).toHaveLength(3);
    expect(p.labels.map((l) => l.label)).toEqual(['food', 'sports', 'weather']);
    expect(p.labels.reduce((s, l) => s + l.count, 0)).toBe(120);
  });
});
