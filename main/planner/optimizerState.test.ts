import { describe, expect, it } from 'vitest';
import { OPTIMIZER_NAMES } from '../../common/optimizers.ts';
import { stateCount, stateForTensor } from './optimizerState.ts';
import type { ParamTensor } from './parameters.ts';

const t = (name: string, size: number, tokenEmbedding = false): ParamTensor => ({ name, shape: [size], size, group: 'encoder', tokenEmbedding });
const base = { blockSize: 2048, min8bitSize: 4096, stableEmbedding: false };

describe('optimizer state bytes (docs/8bit-optimizers.md §2)', () => {
  it('two states for adam/adamw, one for momentum, lion, rmsprop, adagrad', () => {
    expect(OPTIMIZER_NAMES.map((n) => [n, stateCount(n)])).toEqual([
      ['adam8bit', 2], ['adam32bit', 2], ['adamw8bit', 2], ['adamw32bit', 2], ['momentum8bit', 1], ['momentum32bit', 1],
      ['lion8bit', 1], ['lion32bit', 1], ['rmsprop8bit', 1], ['rmsprop32bit', 1], ['adagrad8bit', 1], ['adagrad32bit', 1],
    ]);
  });

  it('8-bit: one byte per element per state plus a float32 absmax per block', () => {
    const w = t('w', 1024 * 1024);
    // 2 states × (1,048,576 codes + 4 × 512 blocks of 2048)
    expect(stateForTensor(w, { ...base, optimizer: 'adam8bit' })).toEqual({ name: 'w', bits: 8, bytes: 2 * (1_048_576 + 4 * 512), reason: null });
    // block 256 as bitsandbytes ≥ 0.44: 4096 blocks
    expect(stateForTensor(w, { ...base, blockSize: 256, optimizer: 'adam8bit' }).bytes).toBe(2 * (1_048_576 + 4 * 4096));
    expect(stateForTensor(w, { ...base, optimizer: 'momentum8bit' }).bytes).toBe(1_048_576 + 4 * 512);
    // a partial last block still has an absmax; codes are stored 4 to an int32 word
    expect(stateForTensor(t('odd', 5001), { ...base, optimizer: 'lion8bit' }).bytes).toBe(5004 + 4 * 3);
  });

  it('32-bit: 4 bytes per element per state', () => {
    expect(stateForTensor(t('w', 1000), { ...base, optimizer: 'adamw32bit' }).bytes).toBe(8000);
    expect(stateForTensor(t('w', 1000), { ...base, optimizer: 'rmsprop32bit' }).bytes).toBe(4000);
  });

  it('exceptions keep 32-bit state: small tensors (strict <), the stable embedding, overrides', () => {
    expect(stateForTensor(t('b', 4095), { ...base, optimizer: 'adam8bit' })).toMatchObject({ bits: 32, bytes: 8 * 4095, reason: 'small' });
    expect(stateForTensor(t('b', 4096), { ...base, optimizer: 'adam8bit' })).toMatchObject({ bits: 8, bytes: 2 * (4096 + 4 * 2) });
    const emb = t('shared.weight', 1_000_000, true);
    expect(stateForTensor(emb, { ...base, optimizer: 'adam8bit' }).bits).toBe(8);
    expect(stateForTensor(emb, { ...base, stableEmbedding: true, optimizer: 'adam8bit' })).toMatchObject({ bits: 32, bytes: 8_000_000, reason: 'stable-embedding' });
    const over = { ...base, optimizer: 'adam8bit' as const, overrides: [{ tensor: 'w', stateBits: 32 as const }] };
    expect(stateForTensor(t('w', 100_000), over)).toMatchObject({ bits: 32, bytes: 800_000, reason: 'override' });
    expect(stateForTensor(t('w', 100_000), { ...base, optimizer: 'adam32bit', overrides: [{ tensor: 'w', stateBits: 8 }] })).toMatchObject({ bits: 8, reason: 'override' });
  });
});
