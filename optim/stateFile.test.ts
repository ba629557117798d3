// The state file: bit-exact round trips (bytes and continued training), and clear refusals for another
// block size, another shape, another optimizer, another map, and corrupt or truncated files.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crc32 } from './crc32.ts';
import { createOptimizer } from './factory.ts';
import type { BlockwiseOptimizer } from './optimizer.ts';
import { decodeState, loadStateBytes, loadStateFile, saveStateBytes, saveStateFile, STATE_MAGIC } from './stateFile.ts';
import { randn } from './testing.ts';

const dir = mkdtempSync(join(tmpdir(), 'octet-state-'));
let w: tf.Variable;
let b: tf.Variable;
beforeAll(async () => {
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
  w = tf.variable(tf.tensor(randn(80 * 70, 1, 0.1), [80, 70]), true, 'sf/w');
  b = tf.variable(tf.tensor(randn(70, 2, 0.1), [70]), true, 'sf/b');
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  tf.dispose([w, b]);
});

const grads = (s: number) => ({ 'sf/w': tf.tensor(randn(80 * 70, 100 + s, 0.01), [80, 70]), 'sf/b': tf.tensor(randn(70, 200 + s, 0.01), [70]) });
function trained(steps: number, name: 'adamw8bit' | 'lion8bit' = 'adamw8bit', blockSize: 256 | 2048 = 256): BlockwiseOptimizer {
  const opt = createOptimizer(name, { blockSize, overrides: [{ variableName: 'sf/b', lr: 5e-3, reason: 'test' }] });
  for (let s = 0; s < steps; s++) opt.applyGradients(grads(s));
  return opt;
}

/** CRC-32 check value of "123456789" (the standard test vector). */
it('crc32 is the IEEE one', () => {
  expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
});

describe('state file round trip', () => {
  it('save -> load -> save gives the same bytes, records what the format says, and training continues bit for bit', async () => {
    const p0 = { w: Float32Array.from(w.dataSync()), b: Float32Array.from(b.dataSync()) };
    const a = trained(4);
    const bytes = await saveStateBytes(a);
    const { header } = decodeState(bytes);
    expect(header).toMatchObject({
      format: 'octet-optimizer-state',
      version: 1,
      optimizer: 'adamw8bit',
      rule: 'adam',
      blockSize: 256,
      min8bitSize: 4096,
      iterations: 4,
      hyper: { lr: 1e-3, weightDecay: 1e-2 },
      overrides: [{ variableName: 'sf/b', lr: 5e-3, reason: 'test' }],
    });
    expect(header.maps.state1.name).toBe('dynamic-signed');
    expect(header.maps.state2?.name).toBe('dynamic-unsigned');
    expect(header.tensors.map((t) => [t.variable, t.shape, t.bits, t.step, t.arrays.map((x) => `${x.role}:${x.dtype}:${x.length}`)])).toEqual([
      ['sf/w', [80, 70], 8, 4, ['state1:uint8:5600', 'absmax1:float32:22', 'state2:uint8:5600', 'absmax2:float32:22']],
      ['sf/b', [70], 32, 4, ['state1:float32:70', 'state2:float32:70']],
    ]);

    const file = join(dir, 'opt.oct8');
    await saveStateFile(a, file);
    expect(Buffer.from(readFileSync(file)).equals(Buffer.from(bytes))).toBe(true);
    const c = createOptimizer('adamw8bit', { blockSize: 256 }); // hyper-parameters and overrides come from the file
    await loadStateFile(c, file);
    expect(Buffer.from(await saveStateBytes(c)).equals(Buffer.from(bytes))).toBe(true);
    expect(c.hyperFor('sf/b').lr).toBe(5e-3);

    // two more steps from the saved point: the loaded optimizer and the original give the same bits
    const at4 = { w: Float32Array.from(w.dataSync()), b: Float32Array.from(b.dataSync()) };
    for (let s = 4; s < 6; s++) a.applyGradients(grads(s));
    const viaOriginal = Float32Array.from(w.dataSync());
    w.assign(tf.tensor(at4.w, [80, 70]));
    b.assign(tf.tensor(at4.b, [70]));
    loadStateBytes(c, Buffer.from(bytes)); // a Node Buffer works as well
    for (let s = 4; s < 6; s++) c.applyGradients(grads(s));
    expect(Array.from(w.dataSync())).toEqual(Array.from(viaOriginal));
    w.assign(tf.tensor(p0.w, [80, 70]));
    b.assign(tf.tensor(p0.b, [70]));
    a.dispose();
    c.dispose();
  });

  it('an empty optimizer round-trips too', async () => {
    const bytes = await saveStateBytes(createOptimizer('momentum32bit'));
    const c = createOptimizer('momentum32bit');
    loadStateBytes(c, bytes);
    expect(c.stateSummary()).toEqual([]);
  });
});

describe('state file refusals', () => {
  it('another block size', async () => {
    const bytes = await saveStateBytes(trained(1, 'adamw8bit', 256));
    expect(() => loadStateBytes(createOptimizer('adamw8bit', { blockSize: 2048 }), bytes, 'ckpt.oct8')).toThrow(
      /ckpt.oct8 was saved with block size 256, but this optimizer uses 2048; create the optimizer with blockSize 256/,
    );
  });

  it('another parameter shape', async () => {
    const bytes = await saveStateBytes(trained(1));
    const other = tf.variable(tf.zeros([70, 80]), true, 'sf/x');
    // point the header at a variable with another shape and re-seal the file
    const patched = patchHeader(bytes, (h) => h.replace('"variable":"sf/w"', '"variable":"sf/x"'));
    expect(() => loadStateBytes(createOptimizer('adamw8bit', { blockSize: 256 }), patched, 'ckpt')).toThrow(
      /variable "sf\/x" has shape \[70, 80\] but the state was saved for shape \[80, 70\]/,
    );
    other.dispose();
  });

  it('a variable the model does not have, and another optimizer', async () => {
    const bytes = await saveStateBytes(trained(1));
    const patched = patchHeader(bytes, (h) => h.replace('"variable":"sf/w"', '"variable":"sf/q"'));
    expect(() => loadStateBytes(createOptimizer('adamw8bit', { blockSize: 256 }), patched)).toThrow(/variable "sf\/q", which does not exist/);
    expect(() => loadStateBytes(createOptimizer('lion8bit', { blockSize: 256 }), bytes)).toThrow(/saved by adamw8bit, which cannot be loaded into lion8bit/);
  });

  it('another quantization map', async () => {
    const bytes = await saveStateBytes(trained(1));
    const patched = patchHeader(bytes, (h) => {
      const m = /"fnv1a32":"([0-9a-f]{8})"/.exec(h)!;
      return h.replace(m[0], `"fnv1a32":"${m[1] === '00000000' ? '11111111' : '00000000'}"`);
    });
    expect(() => loadStateBytes(createOptimizer('adamw8bit', { blockSize: 256 }), patched)).toThrow(/another quantization map/);
  });

  it('corrupt, truncated and foreign files', async () => {
    const bytes = await saveStateBytes(trained(1));
    const flipped = bytes.slice();
    flipped[bytes.length - 100] ^= 0x10;
    expect(() => loadStateBytes(createOptimizer('adamw8bit', { blockSize: 256 }), flipped, 'x.oct8')).toThrow(/x.oct8 is corrupt.*checksum mismatch/);
    expect(() => loadStateBytes(createOptimizer('adamw8bit'), bytes.subarray(0, bytes.length - 5))).toThrow(/corrupt.*(checksum|truncated)/);
    expect(() => loadStateBytes(createOptimizer('adamw8bit'), new TextEncoder().encode('{"state": {}} not ours at all'))).toThrow(new RegExp(`not "${STATE_MAGIC}"`));
    expect(() => loadStateBytes(createOptimizer('adamw8bit'), new Uint8Array(3))).toThrow(/only 3 bytes/);
    const file = join(dir, 'broken.oct8');
    writeFileSync(file, flipped);
    await expect(loadStateFile(createOptimizer('adamw8bit', { blockSize: 256 }), file)).rejects.toThrow(/broken.oct8 is corrupt/);
    await expect(loadStateFile(createOptimizer('adamw8bit'), join(dir, 'missing.oct8'))).rejects.toThrow(/cannot read optimizer state/);
  });

  it('a refused load leaves the optimizer as it was', async () => {
    const a = trained(2);
    const before = await saveStateBytes(a);
    const other = await saveStateBytes(trained(1, 'adamw8bit', 2048));
    expect(() => loadStateBytes(a, other)).toThrow(/block size/);
    expect(Buffer.from(await saveStateBytes(a)).equals(Buffer.from(before))).toBe(true);
  });
});

/** Edits the JSON header (same-length edits only) and recomputes the trailer CRC, as a forger would. */
function patchHeader(bytes: Uint8Array, edit: (header: string) => string): Uint8Array {
  const out = bytes.slice();
  const view = new DataView(out.buffer);
  const len = view.getUint32(12, true);
  const header = edit(new TextDecoder().decode(out.subarray(16, 16 + len)));
  const encoded = new TextEncoder().encode(header);
  if (encoded.length !== len) throw new Error('patchHeader: edits must keep the length');
  out.set(encoded, 16);
  view.setUint32(out.length - 8, crc32(out.subarray(0, out.length - 8)), true);
  return out;
}
