// Dataset problems: one code per kind (each documented in docs/datasets.md and tested with a small
// malformed file in testdata/datasets/bad/), a 1-based line, the column, and a message that says what
// is wrong and how to fix it.
import type { DatasetIssue } from '../../common/datasets.ts';

export const DATASET_ISSUE_CODES = [
  'file-not-found',
  'unsupported-format',
  'empty-file',
  'utf16-bom',
  'invalid-utf8',
  'csv-syntax',
  'bad-json',
  'not-an-object',
  'bad-parquet',
  'no-rows',
  'missing-column',
  'empty-text',
  'missing-label',
  'mixed-label-types',
  'bad-class-label',
  'unknown-label',
  'too-many-labels',
  'bad-regression-target',
  'empty-target',
  'no-label-column',
  'split-too-small',
] as const;
export type DatasetIssueCode = (typeof DATASET_ISSUE_CODES)[number];

export interface CodedIssue extends DatasetIssue {
  code: DatasetIssueCode;
}

export function issue(code: DatasetIssueCode, line: number | null, column: string | null, message: string): CodedIssue {
  return { code, line, column, message };
}

export const noTaskIssue = (columns: readonly string[]): CodedIssue =>
  issue('no-label-column', null, null, `cannot tell the task: no label or target column among ${columns.join(', ')}; set dataset.columns.label or dataset.columns.target (and task)`);

/** "line 57: …" or the bare message for file-level problems. */
export function formatIssue(i: DatasetIssue): string {
  return i.line === null ? i.message : `line ${i.line}: ${i.message}`;
}

const SHOWN = 10;

export class DatasetError extends Error {
  override name = 'DatasetError';
  constructor(
    readonly path: string,
    readonly issues: CodedIssue[],
    /** Issues not kept (the list stops after a few dozen). */
    readonly more = 0,
  ) {
    const total = issues.length + more;
    const head = issues.slice(0, SHOWN).map((i) => `  ${formatIssue(i)}`);
    const rest = total - head.length;
    super(`${path}: ${total === 1 ? 'a problem' : `${total} problems`} in the dataset\n${head.join('\n')}${rest > 0 ? `\n  … and ${rest} more` : ''}`);
  }

  get codes(): DatasetIssueCode[] {
    return [...new Set(this.issues.map((i) => i.code))];
  }
}

/** Collects issues up to a cap, counting the rest. */
export class IssueList {
  readonly items: CodedIssue[] = [];
  more = 0;
  constructor(private readonly cap = 50) {}
  add(i: CodedIssue): void {
    if (this.items.length < this.cap) this.items.push(i);
    else this.more++;
  }
  get count(): number {
    return this.items.length + this.more;
  }
}
