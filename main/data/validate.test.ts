import { describe, expect, it } from 'vitest';
import { inferTask, suggestMapping } from './suggestMapping.ts';
import type { RawTable } from './types.ts';
import { validateTable } from './validate.ts';

const table = (columns: string[], rows: (string | number | null)[][]): RawTable => ({
  path: 't.csv',
  format: 'csv',
  columns,
  rows: rows.map((r) => Object.fromEntries(columns.map((c, i) => [c, r[i] ?? null]))),
  lines: rows.map((_, i) => i + 2),
});

describe('suggestMapping and inferTask', () => {
  it('recognises GLUE, HF and CSV column names', () => {
    expect(suggestMapping(['sentence', 'label', 'idx'])).toEqual({ text: 'sentence', label: 'label' });
    expect(suggestMapping(['idx', 'sentence1', 'sentence2', 'label'])).toEqual({ text: 'sentence1', textPair: 'sentence2', label: 'label' });
    expect(suggestMapping(['Quality', '#1 ID', '#2 ID', '#1 String', '#2 String'])).toEqual({ text: '#1 String', textPair: '#2 String' });
    expect(suggestMapping(['premise', 'hypothesis', 'label'])).toEqual({ text: 'premise', textPair: 'hypothesis', label: 'label' });
    expect(suggestMapping(['document', 'summary'])).toEqual({ text: 'document', target: 'summary' });
    expect(suggestMapping(['source', 'target'], [{ source: 'a', target: 'b' }])).toEqual({ text: 'source', target: 'target' });
    expect(suggestMapping(['text', 'target'], [{ text: 'a', target: '1' }, { text: 'b', target: 0 }])).toEqual({ text: 'text', label: 'target' });
    expect(suggestMapping(['body', 'y'])).toBeNull();
  });

  it('infers the task from the label values', () => {
    const rows = (labels: (string | number)[]) => labels.map((label) => ({ label }));
    const m = { text: 'text', label: 'label' };
    expect(inferTask(m, rows(['pos', 'neg']))).toBe('classification');
    expect(inferTask(m, rows(['0', '1', 2]))).toBe('classification');
    expect(inferTask(m, rows(['3.8', '5.000', '1']))).toBe('regression'); // STS-B
    expect(inferTask(m, rows(Array.from({ length: 60 }, (_, i) => i)))).toBe('regression');
    expect(inferTask({ text: 'x', target: 'y' }, [])).toBe('seq2seq');
    expect(inferTask({ text: 'x' }, rows(['a']))).toBeNull();
  });
});

describe('validateTable', () => {
  it('maps string labels to ids in sorted order', () => {
    const v = validateTable(table(['text', 'label'], [['a', 'weather'], ['b', 'food'], ['c', 'sports'], ['d', 'food']]), { text: 'text', label: 'label' }, { task: 'classification' });
    expect(v.issues.count).toBe(0);
    expect(v.labels).toEqual({ kind: 'string', names: ['food', 'sports', 'weather'] });
    expect(v.examples.map((e) => [e.line, e.text, e.label])).toEqual([
      [2, 'a', 2],
      [3, 'b', 0],
      [4, 'c', 1],
      [5, 'd', 0],
    ]);
  });

  it('maps names through the model’s label2id when it has real names, and keeps numeric ids', () => {
    const t = table(['text', 'label'], [['a', 'positive'], ['b', 'negative']]);
    const v = validateTable(t, { text: 'text', label: 'label' }, { task: 'classification', modelLabels: ['positive', 'negative'] });
    expect(v.examples.map((e) => e.label)).toEqual([0, 1]);
    expect(v.labels?.names).toEqual(['positive', 'negative']);
    const n = validateTable(table(['text', 'label'], [['a', 2], ['b', '0']]), { text: 'text', label: 'label' }, { task: 'classification' });
    expect(n.examples.map((e) => e.label)).toEqual([2, 0]);
    expect(n.labels).toEqual({ kind: 'number', names: ['0', '1', '2'] });
  });

  it('holds a validation file to the training file’s labels', () => {
    const train = validateTable(table(['text', 'label'], [['a', 'x'], ['b', 'y']]), { text: 'text', label: 'label' }, { task: 'classification' });
    const val = validateTable(table(['text', 'label'], [['c', 'y'], ['d', 'x '], ['e', 1]]), { text: 'text', label: 'label' }, { task: 'classification', trainLabels: train.labels, role: 'the validation file' });
    expect(val.issues.items.map((i) => [i.code, i.line, i.message])).toEqual([
      ['mixed-label-types', 4, "label 1 is a number but the training file's labels are strings; use one kind for every label"],
    ]);
    const val2 = validateTable(table(['text', 'label'], [['c', 'y'], ['d', 'x ']]), { text: 'text', label: 'label' }, { task: 'classification', trainLabels: train.labels });
    expect(val2.issues.items[0].message).toBe("label 'x ' is not one of the training file's labels: x, y (it has extra spaces: 'x' is known)");
  });

  it('reads regression targets and seq2seq pairs', () => {
    const r = validateTable(table(['s1', 's2', 'score'], [['a', 'b', '3.8'], ['c', 'd', 5]]), { text: 's1', textPair: 's2', label: 'score' }, { task: 'regression' });
    expect(r.examples).toEqual([
      { line: 2, text: 'a', textPair: 'b', label: 3.8 },
      { line: 3, text: 'c', textPair: 'd', label: 5 },
    ]);
    const s = validateTable(table(['source', 'target'], [['1 2', 'garden model']]), { text: 'source', target: 'target' }, { task: 'seq2seq' });
    expect(s.examples).toEqual([{ line: 2, text: '1 2', target: 'garden model' }]);
  });
});
