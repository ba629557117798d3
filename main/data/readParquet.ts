// Parquet through hyparquet (pure JS; snappy built in). Row numbers stand in for line numbers.
import { parquetMetadata, parquetReadObjects, parquetSchema } from 'hyparquet';
import { DatasetError, issue } from './errors.ts';
import type { CellValue, RawTable } from './types.ts';

function cell(v: unknown): CellValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Uint8Array) return new TextDecoder().decode(v);
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? Number(x) : x));
}

export async function readParquet(bytes: Uint8Array, path: string): Promise<RawTable> {
  if (bytes.length === 0) throw new DatasetError(path, [issue('empty-file', null, null, 'the file is empty (0 bytes)')]);
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  let columns: string[];
  let objects: Record<string, unknown>[];
  try {
    const metadata = parquetMetadata(buffer);
    columns = parquetSchema(metadata).children.map((c) => c.element.name);
    objects = (await parquetReadObjects({ file: buffer, metadata })) as Record<string, unknown>[];
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new DatasetError(path, [issue('bad-parquet', null, null, `cannot read it as Parquet (${why}); is it really a .parquet file?`)]);
  }
  const rows = objects.map((o) => Object.fromEntries(columns.map((c) => [c, cell(o[c])])));
  return { path, format: 'parquet', columns, rows, lines: rows.map((_, i) => i + 1) };
}
