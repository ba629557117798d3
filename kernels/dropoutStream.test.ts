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
const LENGTHS = [1, 255, 256, 261, 8 * 16384 - 1, 8 * 16384 * 2 + 13, 1_000_003];
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
      it.each([1, 2])('matches tf.dropout bit for bit on %i thread(s): y = x·multiplier, and the kept bits', (threads) => {
        native!.simd(level);
        native!.threads(threads);
        for (const { rate, seed } of CASES) {
          for (const n of LENGTHS) {
            const want = stockMultipliers(n, rate, seed);
            // x never 0, so y = x·m shows m.
            const x = Float32Array.from({ length: n }, (_, i) => (i % 7) - 3.25);
            const y = new Float32Array(n);
            const kept = new Int32Array(Math.ceil(n / 32)).fill(-1);
            native!.dropout(x, y, kept, rate, aleaState(String(seed)));
            const what = `rate ${rate}, seed ${seed}, ${n} draws`;
            const bad = y.findIndex((v, i) => v !== Math.fround(x[i] * want[i]));
            expect(bad, `${what}: first mismatch at ${bad} (y ${y[bad]}, x·tf.dropout ${Math.fround(x[bad] * want[bad])})`).toBe(-1);
            const bit = (i: number) => (kept[i >> 5] >>> (i & 31)) & 1;
            const badBit = want.findIndex((m, i) => bit(i) !== (m !== 0 ? 1 : 0));
            expect(badBit, `${what}: kept bit ${badBit} wrong`).toBe(-1);
            expect(n % 32 === 0 || kept[kept.length - 1] >>> (n % 32) === 0, `${what}: bits past the end must be 0`).toBe(true);
            const dy = Float32Array.from({ length: n }, (_, i) => ((i * 13) % 11) - 5.5);
            const dx = new Float32Array(n);
            native!.dropoutGrad(dy, kept, dx, rate);
            const badGrad = dx.findIndex((v, i) => v !== Math.fround(dy[i] * want[i]));
            expect(badGrad, `${what}: dx = dy·multiplier wrong at ${badGrad}`).toBe(-1);
          }
        }
      });
    });
  }
});
