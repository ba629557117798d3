// Turns a parsed table into examples for a task, checking every row: the mapped columns exist, texts
// are not empty, labels are all of one type and known to the model, regression targets are numbers.
// Problems are collected (up to a cap) with their line, so one run of the check shows them all.
import type { ColumnMapping, Task } from '../../common/runConfig.ts';
import { asNumber, asText, labelValue, shown, type LabelValue } from './cells.ts';
import { IssueList, issue } from './errors.ts';
import type { Example, RawTable } from './types.ts';

/** The label vocabulary in id order, and whether the file spelled labels as numbers or names. */
export interface LabelSpace {
  kind: 'number' | 'string';
  names: string[];
}

export interface ValidateOptions {
  task: Task;
  /** The model's id2label in id order (null: a fresh head). Generic LABEL_0… names only fix the count. */
  modelLabels?: readonly string[] | null;
  /** The training file's labels, which a validation file must use. */
  trainLabels?: LabelSpace | null;
  /** What the file is, in messages: "the training file", "the validation file". */
  role?: string;
}

export interface Validated {
  examples: Example[];
  labels: LabelSpace | null;
  issues: IssueList;
}

const GENERIC = /^LABEL_\d+$/;
export const isGenericLabels = (labels: readonly string[]): boolean => labels.every((l, i) => l === `LABEL_${i}` || GENERIC.test(l));

const list = (xs: readonly string[], max = 12): string => (xs.length > max ? `${xs.slice(0, max).join(', ')}, …` : xs.join(', '));

function checkColumns(table: RawTable, mapping: ColumnMapping, task: Task, issues: IssueList): boolean {
  const wanted: [keyof ColumnMapping, string | undefined][] = [
    ['text', mapping.text],
    ['textPair', mapping.textPair],
    [task === 'seq2seq' ? 'target' : 'label', task === 'seq2seq' ? mapping.target : mapping.label],
  ];
  let ok = true;
  for (const [field, col] of wanted) {
    if (col === undefined) {
      if (field === 'label' || field === 'target') {
        ok = false;
        issues.add(
          issue('no-label-column', null, null, `no ${field} column for ${task}: set dataset.columns.${field} to one of the columns (${list(table.columns)})`),
        );
      }
      continue;
    }
    if (!table.columns.includes(col)) {
      ok = false;
      const near = table.columns.find((c) => c.toLowerCase() === col.toLowerCase());
      issues.add(
        issue('missing-column', null, col, `no column '${col}' (dataset.columns.${field}); the columns are: ${list(table.columns)}${near ? ` — did you mean '${near}'?` : ''}`),
      );
    }
  }
  return ok;
}

export function validateTable(table: RawTable, mapping: ColumnMapping, opts: ValidateOptions): Validated {
  const issues = new IssueList();
  const { task } = opts;
  const role = opts.role ?? 'the file';
  if (!table.rows.length) {
    issues.add(issue('no-rows', null, null, `${role} has a header (${list(table.columns)}) but no rows`));
    return { examples: [], labels: null, issues };
  }
  if (!checkColumns(table, mapping, task, issues)) return { examples: [], labels: null, issues };

  const examples: Example[] = [];
  const rawLabels: { line: number; value: LabelValue }[] = [];
  table.rows.forEach((row, i) => {
    const line = table.lines[i];
    const text = asText(row[mapping.text]);
    if (text === null || text.trim() === '') issues.add(issue('empty-text', line, mapping.text, `the text in column '${mapping.text}' is empty`));
    const ex: Example = { line, text: text ?? '' };
    if (mapping.textPair) {
      const pair = asText(row[mapping.textPair]);
      if (pair === null || pair.trim() === '') issues.add(issue('empty-text', line, mapping.textPair, `the second text in column '${mapping.textPair}' is empty`));
      ex.textPair = pair ?? '';
    }
    if (task === 'seq2seq') {
      const target = asText(row[mapping.target!]);
      if (target === null || target.trim() === '') issues.add(issue('empty-target', line, mapping.target!, `the target text in column '${mapping.target}' is empty`));
      ex.target = target ?? '';
    } else {
      const col = mapping.label!;
      const l = labelValue(row[col]);
      if (l.kind === 'missing') issues.add(issue('missing-label', line, col, `no ${task === 'regression' ? 'target value' : 'label'} in column '${col}'`));
      else if (task === 'regression') {
        const v = asNumber(row[col]);
        if (v === null) issues.add(issue('bad-regression-target', line, col, `target ${shown(l)} is not a number; regression needs numbers like 3.5 (for classes, set task: classification)`));
        else ex.label = v;
      } else rawLabels.push({ line, value: l });
    }
    examples.push(ex);
  });

  let labels: LabelSpace | null = null;
  if (task === 'classification') {
    const res = mapClassLabels(rawLabels, opts, issues, role);
    labels = res.space;
    let k = 0;
    for (const ex of examples) {
      if (k < rawLabels.length && rawLabels[k].line === ex.line) ex.label = res.ids[k++];
    }
  }
  return { examples, labels, issues };
}

/**
 * Class labels → ids. Numbers are ids themselves (0, 1, 2 …). Names map through the model's label2id
 * when it has real names, else through the training file's labels in sorted order.
 */
function mapClassLabels(
  raw: { line: number; value: LabelValue }[],
  opts: ValidateOptions,
  issues: IssueList,
  role: string,
): { ids: number[]; space: LabelSpace | null } {
  const present = raw.filter((r): r is { line: number; value: Exclude<LabelValue, { kind: 'missing' }> } => r.value.kind !== 'missing');
  if (!present.length) return { ids: [], space: null };
  const kind = opts.trainLabels?.kind ?? present[0].value.kind;
  const firstLine = present[0].line;
  const model = opts.modelLabels && opts.modelLabels.length ? opts.modelLabels : null;
  const modelNames = model && !isGenericLabels(model) ? model : null;
  const numLabels = model ? model.length : null;
  const ids: number[] = [];

  // one type for all labels
  let mixed = false;
  for (const { line, value } of present) {
    if (value.kind === kind) continue;
    mixed = true;
    const kinds = kind === 'string' ? 'strings' : 'numbers';
    const earlier = opts.trainLabels ? `the training file's labels are ${kinds}` : `earlier labels are ${kinds} (the first at line ${firstLine})`;
    issues.add(issue('mixed-label-types', line, null, `label ${shown(value)} is a ${value.kind} but ${earlier}; use one kind for every label`));
  }
  if (mixed) return { ids: [], space: null };

  if (kind === 'number') {
    let max = -1;
    for (const { line, value } of present) {
      const v = (value as { value: number }).value;
      if (!Number.isInteger(v) || v < 0 || /[.eE]/.test(value.raw)) {
        issues.add(issue('bad-class-label', line, null, `label ${shown(value)} is not a class id (0, 1, 2, …); for a numeric target set task: regression`));
      } else if (numLabels !== null && v >= numLabels) {
        issues.add(issue('bad-class-label', line, null, `label ${v} is out of range: the model has ${numLabels} labels (0–${numLabels - 1})`));
      } else if (opts.trainLabels && v >= opts.trainLabels.names.length) {
        issues.add(issue('unknown-label', line, null, `label ${v} does not occur in the training file (its labels are 0–${opts.trainLabels.names.length - 1})`));
      }
      max = Math.max(max, v);
      ids.push(v);
    }
    const names = opts.trainLabels?.names ?? modelNames?.slice() ?? Array.from({ length: Math.max(max + 1, numLabels ?? 0) }, (_, i) => String(i));
    return { ids, space: { kind, names } };
  }

  // names
  const fixed = opts.trainLabels?.names ?? modelNames;
  let names: string[];
  if (fixed) {
    names = [...fixed];
  } else {
    names = [...new Set(present.map((p) => (p.value as { value: string }).value))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    if (numLabels !== null && names.length > numLabels) {
      issues.add(
        issue('too-many-labels', null, null, `${role} has ${names.length} labels (${list(names)}) but the model's classification head has ${numLabels}; use a model with ${names.length} labels or fewer classes`),
      );
      return { ids: [], space: null };
    }
  }
  const index = new Map(names.map((n, i) => [n, i]));
  for (const { line, value } of present) {
    const id = index.get((value as { value: string }).value);
    if (id === undefined) {
      const trimmed = value.raw.trim();
      const hint = trimmed !== value.raw && index.has(trimmed) ? ` (it has extra spaces: '${trimmed}' is known)` : '';
      const whose = opts.trainLabels ? "the training file's labels" : "the model's labels";
      issues.add(issue('unknown-label', line, null, `label ${shown(value)} is not one of ${whose}: ${list(names)}${hint}`));
      ids.push(-1);
    } else ids.push(id);
  }
  return { ids, space: { kind, names } };
}
