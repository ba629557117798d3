// CSV and TSV through csv-parse. CSV follows RFC 4180 quoting. TSV is read the GLUE way: a header row,
// tab-separated fields and no quoting at all — GLUE's files contain unescaped quotes ("it 's a
// "classic"") that a quoting parser would swallow across lines.
import { CsvError, parse } from 'csv-parse/sync';
import type { DatasetFormat } from '../../common/runConfig.ts';
import { DatasetError, issue } from './errors.ts';
import type { CellValue, RawTable } from './types.ts';

interface Parsed {
  record: string[];
  info: { bytes: number };
}

/** Line of a quote that is still open at the end of the text (RFC 4180: "" is an escaped quote). */
function openQuoteLine(text: string): number | null {
  let line = 1;
  let open = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') line++;
    else if (c === '"') {
      if (open && text[i + 1] === '"') i++;
      else open = open ? 0 : line;
    }
  }
  return open || null;
}

function csvProblem(err: CsvError, path: string, format: DatasetFormat, text: string): DatasetError {
  const e = err as CsvError & { lines?: number };
  const line = typeof e.lines === 'number' ? e.lines : null;
  let message = err.message.replace(/ on line \d+$/, '');
  if (err.code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH') {
    const m = /expect (\d+), got (\d+)/.exec(err.message);
    message = m
      ? `${m[2]} fields but the header has ${m[1]}${format === 'csv' ? ' (a comma inside a text must be quoted: "like, this")' : ' (a tab inside a text?)'}`
      : message;
  } else if (err.code === 'CSV_QUOTE_NOT_CLOSED') {
    // csv-parse reports the end of the file; the line to fix is where the quote opened.
    const msg = 'a quote opened here is never closed (quotes inside a quoted field are doubled: "say ""hi""")';
    return new DatasetError(path, [issue('csv-syntax', openQuoteLine(text) ?? line, null, msg)]);
  } else if (err.code === 'CSV_INVALID_CLOSING_QUOTE' || err.code === 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE') {
    message = `a quote in the middle of a field (${message}); quote the whole field and double the inner quotes, or use TSV`;
  }
  return new DatasetError(path, [issue('csv-syntax', line, null, message)]);
}

export function readDelimited(text: string, path: string, format: 'csv' | 'tsv'): RawTable {
  let parsed: Parsed[];
  try {
    parsed = parse(text, {
      bom: true,
      delimiter: format === 'tsv' ? '\t' : ',',
      quote: format === 'tsv' ? false : '"',
      skip_empty_lines: true,
      info: true,
    }) as unknown as Parsed[];
  } catch (err) {
    if (err instanceof CsvError) throw csvProblem(err, path, format, text);
    throw err;
  }
  if (!parsed.length || (parsed.length === 1 && parsed[0].record.every((c) => c.trim() === ''))) {
    throw new DatasetError(path, [issue('empty-file', null, null, 'the file has no header row and no data (only blank lines)')]);
  }
  const header = parsed[0].record.map((c) => c.trim());
  const seen = new Set<string>();
  header.forEach((h, i) => {
    if (!h) header[i] = `column_${i + 1}`;
    else if (seen.has(h)) header[i] = `${h}_${i + 1}`;
    seen.add(header[i]);
  });
  // Start lines from byte offsets: info.bytes is where each record ends (its delimiter included).
  // csv-parse's own info.lines counts a CRLF inside a quoted field as two lines.
  const buf = Buffer.from(text, 'utf8');
  let pos = 0;
  let line = 1;
  const startLine = (): number => {
    while (pos < buf.length && (buf[pos] === 0x0a || buf[pos] === 0x0d)) if (buf[pos++] === 0x0a) line++;
    return line;
  };
  const skipTo = (end: number): void => {
    for (; pos < end; pos++) if (buf[pos] === 0x0a) line++;
  };
  startLine();
  skipTo(parsed[0].info.bytes);
  const rows: Record<string, CellValue>[] = [];
  const lines: number[] = [];
  for (let r = 1; r < parsed.length; r++) {
    const { record, info } = parsed[r];
    const row: Record<string, CellValue> = {};
    header.forEach((h, i) => (row[h] = record[i] ?? null));
    rows.push(row);
    lines.push(startLine());
    skipTo(info.bytes);
  }
  return { path, format, columns: header, rows, lines };
}
