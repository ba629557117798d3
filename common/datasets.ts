// Dataset preview and validation results, shown in the New-run screen and by the CLI.
import type { ColumnMapping, DatasetFormat, Task } from './runConfig.ts';

export interface DatasetIssue {
  /** 1-based line (CSV/TSV/JSONL) or row (Parquet) number; null for file-level problems. */
  line: number | null;
  column: string | null;
  message: string;
  /** Kind of problem, e.g. "missing-column", "invalid-utf8" (see docs/datasets.md). */
  code?: string;
}

export interface DatasetPreview {
  path: string;
  format: DatasetFormat;
  columns: string[];
  /** The first rows, as parsed. */
  rows: Record<string, string | number | boolean | null>[];
  rowCount: number;
  /** Suggested mapping from column names. */
  suggestedMapping: ColumnMapping | null;
  inferredTask: Task | null;
  /** Distinct labels with counts (classification). */
  labels: { label: string; count: number }[];
  errors: DatasetIssue[];
}
