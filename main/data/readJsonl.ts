// JSON Lines: one JSON object per line; blank lines are skipped. Nested values are kept as JSON text.
import { toCell } from './cells.ts';
import { DatasetError, IssueList, issue } from './errors.ts';
import type { CellValue, RawTable } from './types.ts';

export function readJsonl(text: string, path: string): RawTable {
  const issues = new IssueList();
  const columns: string[] = [];
  const known = new Set<string>();
  const rows: Record<string, CellValue>[] = [];
  const lines: number[] = [];
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  src.split('\n').forEach((raw, i) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (!line.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      issues.add(issue('bad-json', i + 1, null, `not valid JSON (${why}); each line must be one JSON object like {"text": "…", "label": 0}`));
      return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      issues.add(issue('not-an-object', i + 1, null, `a JSON ${Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value} where an object like {"text": "…", "label": 0} was expected`));
      return;
    }
    const row: Record<string, CellValue> = {};
    for (const [k, v] of Object.entries(value)) {
      if (!known.has(k)) {
        known.add(k);
        columns.push(k);
      }
      row[k] = toCell(v);
    }
    rows.push(row);
    lines.push(i + 1);
  });
  if (issues.count) throw new DatasetError(path, issues.items, issues.more);
  if (!rows.length) throw new DatasetError(path, [issue('empty-file', null, null, 'the file has no JSON lines (only blank lines)')]);
  return { path, format: 'jsonl', columns, rows, lines };
}
