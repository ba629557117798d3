// The mapping a load actually uses: the config's columns, with the gaps the config left open (the
// default text column absent, no label/target column named) filled from the suggestion, each fill
// reported as a note so the user sees which column was picked.
import type { DatasetIssue } from '../../common/datasets.ts';
import type { ColumnMapping, Task } from '../../common/runConfig.ts';
import { suggestColumns } from './suggestMapping.ts';
import type { RawTable } from './types.ts';

const DEFAULT_TEXT = 'text';

export function resolveMapping(table: RawTable, given: ColumnMapping, task: Task | null): { mapping: ColumnMapping; notes: DatasetIssue[] } {
  const suggested = suggestColumns(table.columns, table.rows);
  const mapping: ColumnMapping = { ...given };
  const notes: DatasetIssue[] = [];
  const note = (field: string, col: string) =>
    notes.push({ line: null, column: col, message: `using column '${col}' as ${field} (set dataset.columns.${field} to choose another)` });
  if (!table.columns.includes(mapping.text) && mapping.text === DEFAULT_TEXT && suggested.text) {
    mapping.text = suggested.text;
    note('text', suggested.text);
    if (mapping.textPair === undefined && suggested.textPair) {
      mapping.textPair = suggested.textPair;
      note('textPair', suggested.textPair);
    }
  }
  const wantsTarget = task === 'seq2seq' || (task === null && mapping.target !== undefined) || (task === null && mapping.label === undefined && !!suggested.target);
  if (wantsTarget) {
    if (mapping.target === undefined && suggested.target) {
      mapping.target = suggested.target;
      note('target', suggested.target);
    }
  } else if (mapping.label === undefined && suggested.label) {
    mapping.label = suggested.label;
    note('label', suggested.label);
  }
  return { mapping, notes };
}
