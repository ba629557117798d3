// The optimizer state file (docs/optimizer-state-format.md): magic, version, a JSON header that records
// the optimizer, block size, map identities, hyper-parameters, overrides and every tensor (variable
// name, shape, state bits, step, arrays with offsets and CRC-32s), the raw arrays, and a CRC-32 trailer
// over the whole file. Encoding is deterministic, so save -> load -> save gives the same bytes.
import { z } from 'zod';
import { OPTIMIZER_NAMES, parseOptimizerName } from '../common/optimizers.ts';
import type { OptimizerName } from '../common/optimizers.ts';
import { ALGORITHMS } from './algorithms.ts';
import { crc32, crcHex } from './crc32.ts';
import { MAP_IDENTITIES } from './maps.ts';
import type { MapIdentity } from './maps.ts';
import type { BlockwiseOptimizer, StateSnapshot } from './optimizer.ts';

export const STATE_MAGIC = 'OCT8STAT';
export const STATE_VERSION = 1;
const TRAILER = 'END!';

const mapIdentitySchema = z.object({ name: z.enum(['dynamic-signed', 'dynamic-unsigned']), definition: z.string(), fnv1a32: z.string() });
const roleSchema = z.enum(['state1', 'absmax1', 'state2', 'absmax2']);
const headerSchema = z.object({
  format: z.literal('octet-optimizer-state'),
  version: z.literal(STATE_VERSION),
  optimizer: z.enum(OPTIMIZER_NAMES),
  rule: z.string(),
  blockSize: z.number().int().positive(),
  min8bitSize: z.number().int().nonnegative(),
  maps: z.object({ state1: mapIdentitySchema, state2: mapIdentitySchema.optional() }),
  hyper: z.object({ lr: z.number(), beta1: z.number(), beta2: z.number(), eps: z.number(), weightDecay: z.number(), gnormScale: z.number() }),
  overrides: z.array(
    z.object({
      variableName: z.string(),
      stateBits: z.union([z.literal(8), z.literal(32)]).optional(),
      lr: z.number().optional(),
      weightDecay: z.number().optional(),
      reason: z.string().optional(),
    }),
  ),
  iterations: z.number().int().nonnegative(),
  tensors: z.array(
    z.object({
      variable: z.string(),
      shape: z.array(z.number().int().nonnegative()),
      bits: z.union([z.literal(8), z.literal(32)]),
      step: z.number().int().nonnegative(),
      arrays: z.array(
        z.object({
          role: roleSchema,
          dtype: z.enum(['uint8', 'float32']),
          length: z.number().int().nonnegative(),
          offset: z.number().int().nonnegative(),
          crc32: z.string(),
        }),
      ),
    }),
  ),
  dataBytes: z.number().int().nonnegative(),
});
export type StateHeader = z.infer<typeof headerSchema>;

const align8 = (x: number) => (x + 7) & ~7;
const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const bytesOf = (a: Uint8Array | Float32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

function mapsFor(optimizer: OptimizerName): StateHeader['maps'] {
  const algo = ALGORITHMS[parseOptimizerName(optimizer).algorithm];
  const ids = algo.stateMaps.map((m) => MAP_IDENTITIES[m]);
  return ids.length === 2 ? { state1: ids[0], state2: ids[1] } : { state1: ids[0] };
}

export function encodeState(snap: StateSnapshot): Uint8Array {
  let offset = 0;
  const chunks: Array<{ offset: number; bytes: Uint8Array }> = [];
  const tensors: StateHeader['tensors'] = snap.slots.map((s) => ({
    variable: s.name,
    shape: s.shape,
    bits: s.bits,
    step: s.step,
    arrays: s.arrays.map((a) => {
      const bytes = bytesOf(a.data);
      const entry = { role: a.role, dtype: a.data instanceof Uint8Array ? ('uint8' as const) : ('float32' as const), length: a.data.length, offset, crc32: crcHex(bytes) };
      chunks.push({ offset, bytes });
      offset = align8(offset + bytes.length);
      return entry;
    }),
  }));
  const header: StateHeader = {
    format: 'octet-optimizer-state',
    version: STATE_VERSION,
    optimizer: snap.name,
    rule: ALGORITHMS[parseOptimizerName(snap.name).algorithm].rule,
    blockSize: snap.blockSize,
    min8bitSize: snap.min8bitSize,
    maps: mapsFor(snap.name),
    hyper: snap.hyper,
    overrides: snap.overrides,
    iterations: snap.iterations,
    tensors,
    dataBytes: offset,
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const dataStart = align8(16 + json.length);
  const total = dataStart + offset + 8;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  out.set(ascii(STATE_MAGIC), 0);
  view.setUint32(8, STATE_VERSION, true);
  view.setUint32(12, json.length, true);
  out.set(json, 16);
  for (const c of chunks) out.set(c.bytes, dataStart + c.offset);
  view.setUint32(total - 8, crc32(out.subarray(0, total - 8)), true);
  out.set(ascii(TRAILER), total - 4);
  return out;
}

/** Parses and checks a state file; throws a message that says what is wrong with it. */
export function decodeState(bytes: Uint8Array, source = 'optimizer state'): { header: StateHeader; snapshot: StateSnapshot } {
  const corrupt = (why: string) => new Error(`${source} is corrupt or not an Octet optimizer state file: ${why}`);
  if (bytes.length < 24) throw corrupt(`only ${bytes.length} bytes`);
  const magic = String.fromCharCode(...bytes.subarray(0, 8));
  if (magic !== STATE_MAGIC) throw corrupt(`it starts with "${magic.replace(/[^\x20-\x7e]/g, '?')}", not "${STATE_MAGIC}"`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== STATE_VERSION) throw new Error(`${source} has format version ${version}; this build reads version ${STATE_VERSION}`);
  const stored = view.getUint32(bytes.length - 8, true);
  const actual = crc32(bytes.subarray(0, bytes.length - 8));
  const trailer = String.fromCharCode(...bytes.subarray(bytes.length - 4));
  if (trailer !== TRAILER || stored !== actual) {
    throw corrupt(`checksum mismatch (stored ${stored.toString(16)}, computed ${actual.toString(16)}): the file is truncated or was modified`);
  }
  const jsonLength = view.getUint32(12, true);
  if (16 + jsonLength > bytes.length - 8) throw corrupt('header length runs past the end');
  let header: StateHeader;
  try {
    header = headerSchema.parse(JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + jsonLength))));
  } catch (err) {
    throw corrupt(`unreadable header (${(err as Error).message.split('\n')[0]})`);
  }
  const dataStart = align8(16 + jsonLength);
  if (dataStart + header.dataBytes !== bytes.length - 8) throw corrupt('data section size does not match the header');
  const expectedMaps = mapsFor(header.optimizer);
  for (const key of ['state1', 'state2'] as const) {
    const want: MapIdentity | undefined = expectedMaps[key];
    const got = header.maps[key];
    if (want && (!got || got.name !== want.name || got.fnv1a32 !== want.fnv1a32)) {
      throw new Error(`${source} was written with another quantization map for ${key} (${got ? `${got.name} ${got.fnv1a32}` : 'none'}; this build uses ${want.name} ${want.fnv1a32}); it cannot be loaded`);
    }
  }
  const slots: StateSnapshot['slots'] = header.tensors.map((t) => ({
    name: t.variable,
    shape: t.shape,
    bits: t.bits,
    step: t.step,
    arrays: t.arrays.map((a) => {
      const width = a.dtype === 'uint8' ? 1 : 4;
      const start = dataStart + a.offset;
      if (a.offset + a.length * width > header.dataBytes) throw corrupt(`${t.variable}/${a.role} runs past the data section`);
      const raw = new Uint8Array(bytes.subarray(start, start + a.length * width)); // a copy (Buffer#slice would alias)
      if (crcHex(raw) !== a.crc32) throw corrupt(`checksum mismatch in ${t.variable}/${a.role}`);
      return { role: a.role, data: a.dtype === 'uint8' ? raw : new Float32Array(raw.buffer) };
    }),
  }));
  return {
    header,
    snapshot: {
      name: header.optimizer,
      blockSize: header.blockSize,
      min8bitSize: header.min8bitSize,
      hyper: header.hyper,
      overrides: header.overrides,
      iterations: header.iterations,
      slots,
    },
  };
}

/** The whole optimizer state as bytes (a Node Buffer is a Uint8Array, so this is also "to a Buffer"). */
export async function saveStateBytes(optimizer: BlockwiseOptimizer): Promise<Uint8Array> {
  return encodeState(await optimizer.snapshot());
}

/** Restores state from bytes; refuses another block size, algorithm, map, variable shape or a corrupt file. */
export function loadStateBytes(optimizer: BlockwiseOptimizer, bytes: Uint8Array, source = 'optimizer state'): void {
  optimizer.restore(decodeState(bytes, source).snapshot, source);
}

/** Writes the state to a file (atomically: a temporary file renamed into place). Node only. */
export async function saveStateFile(optimizer: BlockwiseOptimizer, path: string): Promise<void> {
  const fs = await import('node:fs/promises');
  const bytes = await saveStateBytes(optimizer);
  const tmp = `${path}.tmp-${process.pid}`;
  await fs.writeFile(tmp, bytes);
  await fs.rename(tmp, path);
}

/** Reads state from a file written by saveStateFile. Node only. */
export async function loadStateFile(optimizer: BlockwiseOptimizer, path: string): Promise<void> {
  const fs = await import('node:fs/promises');
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(path);
  } catch (err) {
    throw new Error(`cannot read optimizer state ${path}: ${(err as Error).message}`);
  }
  loadStateBytes(optimizer, bytes, path);
}
