// Plain data the dataset code passes around.
import type { DatasetIssue } from '../../common/datasets.ts';
import type { ColumnMapping, DatasetFormat, Task } from '../../common/runConfig.ts';

export type CellValue = string | number | boolean | null;

/** A parsed file: column names in file order, rows keyed by column, and each row's source line. */
export interface RawTable {
  path: string;
  format: DatasetFormat;
  columns: string[];
  rows: Record<string, CellValue>[];
  /** 1-based line (CSV/TSV/JSONL: where the row starts) or row number (Parquet) of each row. */
  lines: number[];
}

/** One training or validation example after validation and label mapping. */
export interface Example {
  /** Source line or row, for messages. */
  line: number;
  text: string;
  textPair?: string;
  /** Class id (classification) or target value (regression). */
  label?: number;
  /** Target text (seq2seq). */
  target?: string;
}

export interface LoadedDataset {
  task: Task;
  format: DatasetFormat;
  /** The mapping actually used (columns filled in from suggestions when the config left them out). */
  mapping: ColumnMapping;
  train: Example[];
  validation: Example[];
  /** Classification: label names in id order (string labels sorted, or the model's id2label). */
  labels: string[] | null;
  validationSource: 'file' | 'split';
  /** Things worth telling the user that did not stop loading (a column picked automatically, …). */
  notes: DatasetIssue[];
}
