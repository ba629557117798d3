// The native dropout stream (native/src/kernels/dropoutStream.cc) against tf.dropout itself, bit for
// bit: on every vector path this machine has, on one and two threads, for lengths around the points
// where the stream is split (one scalar stream, eight vector lanes, groups of lanes, ragged last lanes).
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tensorKernelsNative, type SimdLevel } from '../native/tensorKernels.ts';
import { aleaState } from './alea.ts';
import { registerOctetKernels } from './register.ts';
import { setupBackend } from './setup.ts';

const native = tensorKernelsNative(() => {});
const LEVELS: SimdLevel[] = ['avx512', 'avx2', 'scalar'];
const LENGTHS = [1, 2047, 2048, 8 * 16384 - 1, 8 * 16384 * 2 + 13, 1_000_003];
const CASES = [
  { rate: 0.1, seed: 7 },
  { rate: 0.5, seed: 123456 },
];

/** tf.dropout's multipliers: its output for an input of ones, on stock cpu kernels. */
function stockMultipliers(n: number, rate: number, seed: number): Float32Array {
  return tf.tidy(() => tf.dropout(tf.ones([n]), rate, undefined, seed).dataSync() as Float32Array);
}

describe.skipIf(!native)('dropout stream', () => {
  let simdBefore: SimdLevel;
  let threadsBefore: number;
  beforeAll(async () => {
    await setupBackend('cpu', { fastKernels: false });
    registerOctetKernels('cpu', { base: false, fast: false });
    simdBefore = native!.simd();
    threadsBefore = native!.threads();
  });
  afterAll(() => {
    native!.simd(simdBefore);
    native!.threads(threadsBefore);
  });

  describe.each(LEVELS)('%s path', (level) => {
    it.each([1, 2])('matches tf.dropout bit for bit on %i thread(s)', (threads, ctx) => {
      native!.simd(level);
      if (native!.simd() !== level) return ctx.skip(`this machine has no ${level} path (the widest is ${simdBefore})`);
      native!.threads(threads);
      for (const { rate, seed } of CASES) {
        for (const n of LENGTHS) {
          const want = stockMultipliers(n, rate, seed);
          const x = new Float32Array(n).fill(1);
          const y = new Float32Array(n);
          const got = new Float32Array(n);
          native!.dropout(x, y, got, rate, aleaState(String(seed)));
          const bad = got.findIndex((g, i) => g !== want[i]);
          expect(bad, `rate ${rate}, seed ${seed}, ${n} draws: first mismatch at ${bad} (${got[bad]} vs tf.dropout ${want[bad]})`).toBe(-1);
        }
      }
    });
  });
});
