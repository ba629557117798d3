// What the New-run screen and `octet` show before a run: the first rows, the columns, a suggested
// mapping, the inferred task, label counts and every problem found — never throwing for a bad file.
import type { DatasetIssue, DatasetPreview } from '../../common/datasets.ts';
import type { DatasetSpec, Task } from '../../common/runConfig.ts';
import { asText } from './cells.ts';
import { DatasetError, noTaskIssue } from './errors.ts';
import { formatOf, readTable } from './readTable.ts';
import { resolveMapping } from './resolveMapping.ts';
import { inferTask, suggestMapping } from './suggestMapping.ts';
import { validateTable } from './validate.ts';

export interface PreviewOptions {
  /** Rows to return (default 20). */
  rows?: number;
  task?: Task | null;
  modelLabels?: readonly string[] | null;
}

export async function previewDataset(spec: DatasetSpec, opts: PreviewOptions = {}): Promise<DatasetPreview> {
  const empty = (errors: DatasetIssue[]): DatasetPreview => {
    let format: DatasetPreview['format'] = spec.format ?? 'csv';
    try {
      format = formatOf(spec.train, spec.format);
    } catch {
      // unknown extension: the error says so
    }
    return { path: spec.train, format, columns: [], rows: [], rowCount: 0, suggestedMapping: null, inferredTask: null, labels: [], errors };
  };
  let table;
  try {
    table = await readTable(spec.train, spec.format);
  } catch (err) {
    if (err instanceof DatasetError) return empty(err.issues);
    throw err;
  }
  const { mapping } = resolveMapping(table, spec.columns, opts.task ?? null);
  const task = opts.task ?? inferTask(mapping, table.rows);
  const errors: DatasetIssue[] = [];
  if (task) {
    const v = validateTable(table, mapping, { task, modelLabels: opts.modelLabels, role: 'the training file' });
    errors.push(...v.issues.items);
    if (v.issues.more) errors.push({ line: null, column: null, message: `… and ${v.issues.more} more problems` });
  } else {
    errors.push(noTaskIssue(table.columns));
  }
  const counts = new Map<string, number>();
  if (mapping.label && table.columns.includes(mapping.label) && task !== 'regression') {
    for (const r of table.rows) {
      const l = asText(r[mapping.label]);
      if (l !== null && l.trim() !== '') counts.set(l, (counts.get(l) ?? 0) + 1);
    }
  }
  return {
    path: spec.train,
    format: table.format,
    columns: table.columns,
    rows: table.rows.slice(0, opts.rows ?? 20),
    rowCount: table.rows.length,
    suggestedMapping: suggestMapping(table.columns, table.rows),
    inferredTask: task,
    labels: [...counts].map(([label, count]) => ({ label, count })).sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0)),
    errors,
  };
}
