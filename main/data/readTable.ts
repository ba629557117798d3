// Reads a dataset file of any supported format into a RawTable.
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { DATASET_FORMATS, type DatasetFormat } from '../../common/runConfig.ts';
import { decodeUtf8 } from './decode.ts';
import { DatasetError, issue } from './errors.ts';
import { readDelimited } from './readCsv.ts';
import { readJsonl } from './readJsonl.ts';
import { readParquet } from './readParquet.ts';
import type { RawTable } from './types.ts';

const EXTENSIONS: Record<string, DatasetFormat> = { '.csv': 'csv', '.tsv': 'tsv', '.tab': 'tsv', '.jsonl': 'jsonl', '.ndjson': 'jsonl', '.parquet': 'parquet', '.pq': 'parquet' };

export function formatOf(path: string, given?: DatasetFormat): DatasetFormat {
  if (given) return given;
  const f = EXTENSIONS[extname(path).toLowerCase()];
  if (f) return f;
  throw new DatasetError(path, [
    issue('unsupported-format', null, null, `cannot tell the format from the extension "${extname(path) || '(none)'}"; use .csv, .tsv, .jsonl or .parquet, or set dataset.format to one of ${DATASET_FORMATS.join(', ')}`),
  ]);
}

export async function readBytes(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder, not a file' : code === 'EACCES' ? 'permission denied' : String(err);
    throw new DatasetError(path, [issue('file-not-found', null, null, `cannot read the dataset file: ${why}`)]);
  }
}

export async function readTable(path: string, format?: DatasetFormat): Promise<RawTable> {
  const f = formatOf(path, format);
  const bytes = await readBytes(path);
  if (f === 'parquet') return readParquet(bytes, path);
  const text = decodeUtf8(bytes, path);
  if (!text.trim()) throw new DatasetError(path, [issue('empty-file', null, null, 'the file holds only whitespace')]);
  return f === 'jsonl' ? readJsonl(text, path) : readDelimited(text, path, f);
}
