// safetensors reader and writer that never hold more than one tensor's bytes at a time: the reader
// reads each tensor with positioned reads on the file descriptor, the writer streams tensor by tensor.
// Format: u64 little-endian header length N, N bytes of JSON header, then the raw tensor bytes.
import { closeSync, fstatSync, openSync, readSync, renameSync, writeSync } from 'node:fs';

export const DTYPE_BYTES = {
  F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U64: 8, U32: 4, U16: 2, U8: 1,
  BOOL: 1, F8_E4M3: 1, F8_E5M2: 1,
} as const;
export type SafetensorsDtype = keyof typeof DTYPE_BYTES;

export interface TensorEntry {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  /** Byte range inside the data section (after the header). */
  begin: number;
  end: number;
}

/** Same limit as the Rust crate: a larger header is a corrupt or hostile file. */
const MAX_HEADER_BYTES = 100_000_000;
/** Reads are split so that one readSync never exceeds what Node accepts. */
const READ_CHUNK = 1 << 28;

export class SafetensorsError extends Error {
  override name = 'SafetensorsError';
}

function isDtype(s: unknown): s is SafetensorsDtype {
  return typeof s === 'string' && Object.hasOwn(DTYPE_BYTES, s);
}

/** Parses and validates a header; `dataBytes` is the file size minus 8 and the header length. */
export function parseHeader(json: string, dataBytes: number, file: string): { entries: TensorEntry[]; metadata: Record<string, string> } {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new SafetensorsError(`${file}: corrupt safetensors header (not valid JSON); the file is damaged or not a safetensors file`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new SafetensorsError(`${file}: corrupt safetensors header (expected a JSON object)`);
  }
  const entries: TensorEntry[] = [];
  let metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    if (name === '__metadata__') {
      metadata = (value ?? {}) as Record<string, string>;
      continue;
    }
    const v = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (!v || typeof v !== 'object') throw new SafetensorsError(`${file}: corrupt header entry for tensor "${name}"`);
    if (!isDtype(v.dtype)) throw new SafetensorsError(`${file}: tensor "${name}" has unknown dtype ${JSON.stringify(v.dtype)}`);
    const shape = v.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new SafetensorsError(`${file}: tensor "${name}" has an invalid shape ${JSON.stringify(shape)}`);
    }
    const off = v.data_offsets;
    if (!Array.isArray(off) || off.length !== 2 || !off.every((d) => Number.isSafeInteger(d) && d >= 0) || off[1] < off[0]) {
      throw new SafetensorsError(`${file}: tensor "${name}" has invalid data_offsets ${JSON.stringify(off)}`);
    }
    const numel = (shape as number[]).reduce((a, b) => a * b, 1);
    const expected = numel * DTYPE_BYTES[v.dtype];
    if (off[1] - off[0] !== expected) {
      throw new SafetensorsError(
        `${file}: tensor "${name}" (${v.dtype} ${JSON.stringify(shape)}) needs ${expected} bytes but its data_offsets span ${off[1] - off[0]}; the file is corrupt`,
      );
    }
    entries.push({ name, dtype: v.dtype, shape: shape as number[], begin: off[0], end: off[1] });
  }
  // The data section must be covered exactly, without holes or overlaps (as the Rust crate checks).
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let cursor = 0;
  for (const e of sorted) {
    if (e.begin !== cursor && e.end !== e.begin) {
      throw new SafetensorsError(`${file}: tensor "${e.name}" starts at byte ${e.begin} but the previous tensor ends at ${cursor} (overlap or hole); the file is corrupt`);
    }
    cursor = Math.max(cursor, e.end);
  }
  if (cursor > dataBytes) {
    const last = sorted.findLast((e) => e.end > dataBytes);
    throw new SafetensorsError(
      `${file}: truncated: the header needs ${cursor} bytes of tensor data but only ${dataBytes} follow it` +
        (last ? ` (tensor "${last.name}" is cut off)` : '') + '; download or copy the file again',
    );
  }
  if (cursor < dataBytes) {
    throw new SafetensorsError(`${file}: ${dataBytes - cursor} trailing bytes after the last tensor; the file is corrupt`);
  }
  return { entries, metadata };
}

/** An open safetensors file; tensors are read on demand with positioned reads. */
export class SafetensorsFile {
  readonly path: string;
  readonly metadata: Record<string, string>;
  private readonly fd: number;
  private readonly dataStart: number;
  private readonly byName: Map<string, TensorEntry>;
  private closed = false;

  private constructor(path: string, fd: number, dataStart: number, entries: TensorEntry[], metadata: Record<string, string>) {
    this.path = path;
    this.fd = fd;
    this.dataStart = dataStart;
    this.metadata = metadata;
    this.byName = new Map(entries.map((e) => [e.name, e]));
  }

  static open(path: string): SafetensorsFile {
    const fd = openSync(path, 'r');
    try {
      const size = fstatSync(fd).size;
      if (size < 8) throw new SafetensorsError(`${path}: truncated: ${size} bytes is too short for a safetensors file`);
      const lenBuf = Buffer.alloc(8);
      readFully(fd, lenBuf, 0);
      const headerLen = Number(lenBuf.readBigUInt64LE(0));
      if (headerLen > MAX_HEADER_BYTES) throw new SafetensorsError(`${path}: corrupt: header length ${headerLen} is implausible (not a safetensors file?)`);
      if (8 + headerLen > size) throw new SafetensorsError(`${path}: truncated: header of ${headerLen} bytes but the file has ${size} bytes`);
      const headerBuf = Buffer.alloc(headerLen);
      readFully(fd, headerBuf, 8);
      const { entries, metadata } = parseHeader(headerBuf.toString('utf8'), size - 8 - headerLen, path);
      return new SafetensorsFile(path, fd, 8 + headerLen, entries, metadata);
    } catch (err) {
      closeSync(fd);
      throw err;
    }
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  entry(name: string): TensorEntry {
    const e = this.byName.get(name);
    if (!e) throw new SafetensorsError(`${this.path}: no tensor named "${name}"`);
    return e;
  }

  /** Reads one tensor as float32 (F32 straight into the result; F16/BF16/F64 converted). */
  readFloat32(name: string): Float32Array {
    this.assertOpen();
    const e = this.entry(name);
    const numel = e.shape.reduce((a, b) => a * b, 1);
    if (e.dtype === 'F32') {
      const out = new Float32Array(numel);
      readFully(this.fd, new Uint8Array(out.buffer), this.dataStart + e.begin);
      return out;
    }
    const bytes = new Uint8Array(e.end - e.begin);
    readFully(this.fd, bytes, this.dataStart + e.begin);
    const out = new Float32Array(numel);
    const view = new DataView(bytes.buffer);
    if (e.dtype === 'F64') for (let i = 0; i < numel; i++) out[i] = view.getFloat64(i * 8, true);
    else if (e.dtype === 'F16') for (let i = 0; i < numel; i++) out[i] = halfToFloat(view.getUint16(i * 2, true));
    else if (e.dtype === 'BF16') {
      const u32 = new Uint32Array(out.buffer);
      for (let i = 0; i < numel; i++) u32[i] = view.getUint16(i * 2, true) << 16;
    } else {
      throw new SafetensorsError(`${this.path}: tensor "${name}" has dtype ${e.dtype}; a floating-point tensor was expected`);
    }
    return out;
  }

  /** Raw bytes of one tensor (any dtype). */
  readBytes(name: string): Uint8Array {
    this.assertOpen();
    const e = this.entry(name);
    const bytes = new Uint8Array(e.end - e.begin);
    readFully(this.fd, bytes, this.dataStart + e.begin);
    return bytes;
  }

  close(): void {
    if (!this.closed) {
      this.closed = true;
      closeSync(this.fd);
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new SafetensorsError(`${this.path}: file already closed`);
  }
}

function readFully(fd: number, target: Uint8Array, position: number): void {
  let done = 0;
  while (done < target.length) {
    const len = Math.min(READ_CHUNK, target.length - done);
    const n = readSync(fd, target, done, len, position + done);
    if (n <= 0) throw new SafetensorsError(`unexpected end of file at byte ${position + done} (truncated file)`);
    done += n;
  }
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

export interface TensorToWrite {
  name: string;
  shape: number[];
  /** Called once, when the tensor is written; the returned array can be dropped right after. */
  data: () => Float32Array | Promise<Float32Array>;
}

/** Header JSON for F32 tensors in the given order, padded with spaces to a multiple of 8 (as the crate does). */
export function buildHeader(tensors: { name: string; shape: number[] }[], metadata: Record<string, string>): { header: Buffer; dataBytes: number } {
  const obj: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const t of tensors) {
    const bytes = t.shape.reduce((a, b) => a * b, 1) * 4;
    obj[t.name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(obj);
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  return { header: Buffer.from(json, 'utf8'), dataBytes: offset };
}

/** Writes float32 tensors (sorted by name) to `path` via a temporary file, tensor by tensor. */
export async function writeSafetensors(path: string, tensors: TensorToWrite[], metadata: Record<string, string> = { format: 'pt' }): Promise<number> {
  const sorted = [...tensors].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const seen = new Set<string>();
  for (const t of sorted) {
    if (seen.has(t.name)) throw new SafetensorsError(`duplicate tensor name "${t.name}"`);
    seen.add(t.name);
  }
  const { header, dataBytes } = buildHeader(sorted, metadata);
  const tmp = `${path}.partial`;
  const fd = openSync(tmp, 'w');
  try {
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(header.length));
    writeAll(fd, len);
    writeAll(fd, header);
    for (const t of sorted) {
      const data = await t.data();
      const numel = t.shape.reduce((a, b) => a * b, 1);
      if (data.length !== numel) throw new SafetensorsError(`tensor "${t.name}": ${data.length} values for shape ${JSON.stringify(t.shape)}`);
      writeAll(fd, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    }
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  return 8 + header.length + dataBytes;
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.length) {
    done += writeSync(fd, bytes, done, Math.min(READ_CHUNK, bytes.length - done));
  }
}
