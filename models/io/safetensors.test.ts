import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openCheckpoint } from './checkpoint.ts';
import { SafetensorsError, SafetensorsFile, writeSafetensors } from './safetensors.ts';

const tmp = mkdtempSync(join(tmpdir(), 'octet-st-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A safetensors file with hand-written header and data (independent of the writer). */
function rawFile(path: string, header: Record<string, unknown>, data: Uint8Array): void {
  const json = Buffer.from(JSON.stringify(header));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  writeFileSync(path, Buffer.concat([len, json, data]));
}

describe('safetensors', () => {
  it('writes and reads float32 tensors bit-exactly, header 8-byte aligned with pt metadata', async () => {
    const a = Float32Array.from([1.5, -0, NaN, 3.4028234663852886e38, 1e-45, -2]);
    const b = Float32Array.from([7]);
    const path = join(tmp, 'rt.safetensors');
    await writeSafetensors(path, [{ name: 'z.b', shape: [1], data: () => b }, { name: 'a.a', shape: [2, 3], data: () => a }]);
    const bytes = readFileSync(path);
    const headerLen = Number(bytes.readBigUInt64LE(0));
    expect(headerLen % 8).toBe(0);
    const header = JSON.parse(bytes.subarray(8, 8 + headerLen).toString());
    expect(header.__metadata__).toEqual({ format: 'pt' });
    expect(header['a.a']).toEqual({ dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] });
    const f = SafetensorsFile.open(path);
    const back = f.readFloat32('a.a');
    expect(new Uint32Array(back.buffer)).toEqual(new Uint32Array(a.buffer));
    expect(f.readFloat32('z.b')[0]).toBe(7);
    f.close();
  });

  it('converts F16, BF16 and F64 to float32', () => {
    const data = Buffer.alloc(2 * 2 + 2 * 2 + 8);
    data.writeUInt16LE(0x3c00, 0); // f16 1.0
    data.writeUInt16LE(0xc100, 2); // f16 -2.5
    data.writeUInt16LE(0x3fc0, 4); // bf16 1.5
    data.writeUInt16LE(0xc040, 6); // bf16 -3
    data.writeDoubleLE(0.1, 8);
    const path = join(tmp, 'dtypes.safetensors');
    rawFile(path, {
      h: { dtype: 'F16', shape: [2], data_offsets: [0, 4] },
      b: { dtype: 'BF16', shape: [2], data_offsets: [4, 8] },
      d: { dtype: 'F64', shape: [1], data_offsets: [8, 16] },
    }, data);
    const f = SafetensorsFile.open(path);
    expect(Array.from(f.readFloat32('h'))).toEqual([1, -2.5]);
    expect(Array.from(f.readFloat32('b'))).toEqual([1.5, -3]);
    expect(f.readFloat32('d')[0]).toBe(Math.fround(0.1));
    f.close();
  });

  it('refuses a truncated file and names the cut tensor', async () => {
    const path = join(tmp, 'trunc.safetensors');
    await writeSafetensors(path, [
      { name: 'first', shape: [4], data: () => new Float32Array(4) },
      { name: 'second', shape: [4], data: () => new Float32Array(4) },
    ]);
    truncateSync(path, readFileSync(path).length - 3);
    expect(() => SafetensorsFile.open(path)).toThrow(/truncated.*"second"/s);
    truncateSync(path, 5);
    expect(() => SafetensorsFile.open(path)).toThrow(/truncated/);
  });

  it('refuses corrupt headers: bad JSON, wrong sizes, overlaps, unknown dtypes, trailing bytes', () => {
    const bad = join(tmp, 'bad.safetensors');
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(5n);
    writeFileSync(bad, Buffer.concat([len, Buffer.from('{oops')]));
    expect(() => SafetensorsFile.open(bad)).toThrow(/corrupt safetensors header/);
    rawFile(bad, { w: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, new Uint8Array(8));
    expect(() => SafetensorsFile.open(bad)).toThrow(/"w".*needs 12 bytes/);
    rawFile(bad, { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }, new Uint8Array(12));
    expect(() => SafetensorsFile.open(bad)).toThrow(/"b".*overlap or hole/);
    rawFile(bad, { a: { dtype: 'Q4', shape: [2], data_offsets: [0, 8] } }, new Uint8Array(8));
    expect(() => SafetensorsFile.open(bad)).toThrow(/"a" has unknown dtype/);
    rawFile(bad, { a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, new Uint8Array(9));
    expect(() => SafetensorsFile.open(bad)).toThrow(/trailing bytes/);
    len.writeBigUInt64LE(1n << 40n);
    writeFileSync(bad, Buffer.concat([len, Buffer.alloc(16)]));
    expect(() => SafetensorsFile.open(bad)).toThrow(SafetensorsError);
  });

  it('accepts unused integer buffers (I64 position_ids) without reading them', () => {
    const path = join(tmp, 'i64.safetensors');
    rawFile(path, { position_ids: { dtype: 'I64', shape: [1, 2], data_offsets: [0, 16] }, w: { dtype: 'F32', shape: [1], data_offsets: [16, 20] } }, new Uint8Array(20));
    const f = SafetensorsFile.open(path);
    expect(f.entry('position_ids').dtype).toBe('I64');
    expect(() => f.readFloat32('position_ids')).toThrow(/floating-point/);
    f.close();
  });
});

describe('checkpoint folders', () => {
  it('reads sharded checkpoints through model.safetensors.index.json', async () => {
    const dir = mkdtempSync(join(tmp, 'sharded-'));
    await writeSafetensors(join(dir, 'model-00001-of-00002.safetensors'), [{ name: 'a', shape: [2], data: () => Float32Array.from([1, 2]) }]);
    await writeSafetensors(join(dir, 'model-00002-of-00002.safetensors'), [{ name: 'b', shape: [1], data: () => Float32Array.from([3]) }]);
    writeFileSync(join(dir, 'model.safetensors.index.json'), JSON.stringify({ metadata: { total_size: 12 }, weight_map: { a: 'model-00001-of-00002.safetensors', b: 'model-00002-of-00002.safetensors' } }));
    const ckpt = openCheckpoint(dir);
    expect(ckpt.names().sort()).toEqual(['a', 'b']);
    expect(Array.from(ckpt.readFloat32('b'))).toEqual([3]);
    expect(ckpt.info('a')?.shape).toEqual([2]);
    ckpt.close();
    writeFileSync(join(dir, 'model.safetensors.index.json'), JSON.stringify({ weight_map: { a: 'model-00002-of-00002.safetensors' } }));
    expect(() => openCheckpoint(dir)).toThrow(/"a" is mapped to model-00002-of-00002.safetensors but that shard does not contain it/);
    writeFileSync(join(dir, 'model.safetensors.index.json'), JSON.stringify({ weight_map: { a: 'gone.safetensors' } }));
    expect(() => openCheckpoint(dir)).toThrow(/shard gone.safetensors is missing/);
  });

  it('refuses pytorch_model.bin with a conversion recipe, and says when there are no weights', () => {
    const dir = mkdtempSync(join(tmp, 'pt-'));
    expect(() => openCheckpoint(dir)).toThrow(/no weights found/);
    writeFileSync(join(dir, 'pytorch_model.bin'), 'not really');
    expect(() => openCheckpoint(dir)).toThrow(/pytorch_model.bin: PyTorch pickle.*python -c .*save_file/s);
  });
});
