// Guesses the column mapping and the task from column names (GLUE, Hugging Face datasets and common
// CSV habits) and, where a name is ambiguous, from the values.
import type { ColumnMapping, Task } from '../../common/runConfig.ts';
import { asNumber, labelValue } from './cells.ts';
import type { CellValue } from './types.ts';

const norm = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]/g, '');

const TEXT = ['text', 'sentence', 'sentence1', 'question', 'question1', 'premise', 'source', 'src', 'input', 'document', 'article', 'content', 'review', '1string', 'utterance', 'prompt'];
const PAIR = ['textpair', 'text2', 'sentence2', 'question2', 'hypothesis', '2string'];
const LABEL = ['label', 'labels', 'class', 'category', 'goldlabel', 'score', 'rating', 'sentiment'];
const TARGET = ['target', 'summary', 'output', 'tgt', 'translation', 'answer', 'response', 'highlights'];

function find(columns: readonly string[], names: readonly string[], except: ReadonlySet<string>): string | undefined {
  for (const n of names) {
    const c = columns.find((col) => norm(col) === n && !except.has(col));
    if (c) return c;
  }
  return undefined;
}

function numericColumn(rows: readonly Record<string, CellValue>[], column: string): boolean {
  const values = rows.slice(0, 200).map((r) => r[column]).filter((v) => v !== null && v !== '');
  return values.length > 0 && values.every((v) => asNumber(v) !== null);
}

/** Columns that look like each field of a mapping (any may be missing). */
export function suggestColumns(columns: readonly string[], rows: readonly Record<string, CellValue>[] = []): Partial<ColumnMapping> {
  const used = new Set<string>();
  const out: Partial<ColumnMapping> = {};
  const text = find(columns, TEXT, used);
  if (text) {
    out.text = text;
    used.add(text);
  }
  const pair = find(columns, PAIR, used);
  if (pair) {
    out.textPair = pair;
    used.add(pair);
  }
  const label = find(columns, LABEL, used);
  const target = find(columns, TARGET, used);
  if (label) out.label = label;
  else if (target && rows.length && numericColumn(rows, target)) out.label = target; // "target" holding numbers is a label
  else if (target) out.target = target;
  return out;
}

/** A mapping from column names, or null when no column looks like the input text. */
export function suggestMapping(columns: readonly string[], rows: readonly Record<string, CellValue>[] = []): ColumnMapping | null {
  const s = suggestColumns(columns, rows);
  return s.text ? { ...s, text: s.text } : null;
}

/**
 * seq2seq with a target column; regression when (nearly) all labels are numbers and one is fractional
 * (GLUE STS-B's 3.8, 5.000 …) or there are more than 50 distinct values; classification otherwise.
 * null without either column.
 */
export function inferTask(mapping: ColumnMapping | null, rows: readonly Record<string, CellValue>[]): Task | null {
  if (!mapping) return null;
  if (mapping.target) return 'seq2seq';
  if (!mapping.label) return null;
  const distinct = new Set<string>();
  let numbers = 0;
  let fractional = false;
  let seen = 0;
  for (const r of rows) {
    const l = labelValue(r[mapping.label] ?? null);
    if (l.kind === 'missing') continue;
    seen++;
    if (l.kind === 'number') {
      numbers++;
      if (!Number.isInteger(l.value) || /[.eE]/.test(l.raw)) fractional = true;
    }
    distinct.add(l.kind === 'number' ? String(l.value) : l.value);
  }
  if (!seen) return null;
  // Mostly numbers (a stray "n/a" is a bad row, not a sign of classes) with a fraction or many values.
  if (numbers >= 0.9 * seen && (fractional || distinct.size > 50)) return 'regression';
  return 'classification';
}
