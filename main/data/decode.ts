// Bytes → text for the text formats. UTF-8 only (with or without BOM): a UTF-16/32 file is named as
// such, and invalid UTF-8 is reported with its line, instead of silently turning into U+FFFD.
import { DatasetError, issue } from './errors.ts';

const BOMS: [number[], string, string][] = [
  [[0xff, 0xfe, 0x00, 0x00], 'UTF-32 LE', 'UTF-32LE'],
  [[0x00, 0x00, 0xfe, 0xff], 'UTF-32 BE', 'UTF-32BE'],
  [[0xff, 0xfe], 'UTF-16 LE', 'UTF-16LE'],
  [[0xfe, 0xff], 'UTF-16 BE', 'UTF-16BE'],
];

const startsWith = (b: Uint8Array, prefix: number[]): boolean => b.length >= prefix.length && prefix.every((v, i) => b[i] === v);

/** Offset of the first byte that does not start a valid UTF-8 sequence (as WHATWG's decoder sees it), or -1. */
export function firstInvalidUtf8(b: Uint8Array): number {
  for (let i = 0; i < b.length; ) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    const need = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (need < 0 || i + need >= b.length) return i; // bad lead byte or truncated sequence
    // second byte ranges exclude overlongs, surrogates and code points above U+10FFFF
    const lo = c === 0xe0 ? 0xa0 : c === 0xf0 ? 0x90 : 0x80;
    const hi = c === 0xed ? 0x9f : c === 0xf4 ? 0x8f : 0xbf;
    if (b[i + 1] < lo || b[i + 1] > hi) return i;
    for (let k = 2; k <= need; k++) if ((b[i + k] & 0xc0) !== 0x80) return i;
    i += need + 1;
  }
  return -1;
}

function lineAt(b: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (b[i] === 0x0a) line++;
  return line;
}

export function decodeUtf8(bytes: Uint8Array, path: string): string {
  if (bytes.length === 0) throw new DatasetError(path, [issue('empty-file', null, null, 'the file is empty (0 bytes)')]);
  for (const [bom, name, iconvName] of BOMS) {
    if (startsWith(bytes, bom)) {
      throw new DatasetError(path, [
        issue('utf16-bom', null, null, `the file is ${name} (it starts with the byte-order mark ${bom.map((x) => x.toString(16).toUpperCase().padStart(2, '0')).join(' ')}); save it as UTF-8, e.g. \`iconv -f ${iconvName} -t UTF-8 in > out\``),
      ]);
    }
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    const offset = at < 0 ? bytes.length - 1 : at;
    const line = lineAt(bytes, offset);
    const hex = bytes[offset].toString(16).toUpperCase().padStart(2, '0');
    throw new DatasetError(path, [
      issue('invalid-utf8', line, null, `not valid UTF-8 (byte 0x${hex} at offset ${offset}); the file may be Latin-1 or Windows-1252 — save it as UTF-8`),
    ]);
  }
}
