// Parquet through hyparquet (pure JS; snappy built in). Row numbers stand in for line numbers.
import { parquetMetadata, parquetReadObjects, parquetSchema } from 'hyparquet';
import { toCell } from './cells.ts';
import { DatasetError, issue } from './errors.ts';
import type { RawTable } from './types.ts';

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
  const rows = objects.map((o) => Object.fromEntries(columns.map((c) => [c, toCell(o[c])])));
  return { path, format: 'parquet', columns, rows, lines: rows.map((_, i) => i + 1) };
}
