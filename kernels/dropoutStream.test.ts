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

/** Whether this machine (and build) has a vector path: setting it sticks. */
function hasLevel(level: SimdLevel): boolean {
  if (!native) return false;
  const before = native.simd();
  native.simd(level);
  const has = native.simd() === level;
  native.simd(before);
  return has;
}

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

  for (const level of LEVELS) {
    const has = hasLevel(level);
    describe.skipIf(!has)(`${level} path${has ? '' : ' (skipped: this machine has no such vector path)'}`, () => {
      it.each([1, 2])('matches tf.dropout bit for bit on %i thread(s), and applies it', (threads) => {
        native!.simd(level);
        native!.threads(threads);
        for (const { rate, seed } of CASES) {
          for (const n of LENGTHS) {
            const want = stockMultipliers(n, rate, seed);
            const x = Float32Array.from({ length: n }, (_, i) => (i % 7) - 3.25);
            const y = new Float32Array(n);
            const got = new Float32Array(n);
            native!.dropout(x, y, got, rate, aleaState(String(seed)));
            const what = `rate ${rate}, seed ${seed}, ${n} draws`;
            const bad = got.findIndex((g, i) => g !== want[i]);
            expect(bad, `${what}: first mismatch at ${bad} (${got[bad]} vs tf.dropout ${want[bad]})`).toBe(-1);
            const badY = y.findIndex((v, i) => v !== Math.fround(x[i] * want[i]));
            expect(badY, `${what}: y = x·multiplier wrong at ${badY}`).toBe(-1);
          }
        }
      });
    });
  }
});
