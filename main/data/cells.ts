// Reading cells as text, numbers and labels, the same way for every format (CSV gives strings,
// JSONL and Parquet give typed values).
import type { CellValue } from './types.ts';

/** A value a reader parsed, as a cell: nested values become JSON text (bigints as numbers). */
export function toCell(v: unknown): CellValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Uint8Array) return new TextDecoder().decode(v);
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? Number(x) : x));
}

const NUMBER = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;

/** The cell as a number when it is one or spells one ("3", " 4.5 ", 1e-3); otherwise null. */
export function asNumber(v: CellValue): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && NUMBER.test(v)) return Number(v);
  return null;
}

/** Text of a cell; null for a missing cell. */
export function asText(v: CellValue): string | null {
  if (v === null) return null;
  return typeof v === 'string' ? v : String(v);
}

export type LabelValue = { kind: 'number'; value: number; raw: string } | { kind: 'string'; value: string; raw: string } | { kind: 'missing' };

export function labelValue(v: CellValue): LabelValue {
  const text = asText(v);
  if (text === null || text.trim() === '') return { kind: 'missing' };
  const n = asNumber(v);
  return n !== null ? { kind: 'number', value: n, raw: text } : { kind: 'string', value: text, raw: text };
}

/** How a value shows in messages: quoted text, bare numbers. */
export const shown = (l: Exclude<LabelValue, { kind: 'missing' }>): string => (l.kind === 'number' ? l.raw.trim() : `'${l.raw}'`);
