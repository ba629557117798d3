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
// Rates whose kept draws start at different x2 (the AVX-512 path finds that threshold once per rate).
const CASES = [
  { rate: 0.1, seed: 7 },
  { rate: 0.5, seed: 123456 },
  { rate: 1 / 3, seed: 99 },
  { rate: 0.9, seed: 5 },
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

  // A draw is kept from some x2 on (the AVX-512 path compares x2 with that threshold); random streams
  // almost never land on it (2^-32 per draw), so these start a stream whose first draw is just below, at
  // and just above it, and compare every vector path with the scalar one (tested against tf.dropout above).
  it.each([0.1, 0.5, 1 / 3])('keeps exactly the draws tf.dropout keeps around the threshold (rate %f)', (rate) => {
    const keep = Math.fround(1 - rate);
    const kept = (x2: number) => Math.floor(Math.fround(Math.fround(x2 * 2.3283064365386963e-10) + keep)) >= 1;
    let lo = 0;
    let hi = 2 ** 32;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (kept(mid)) hi = mid;
      else lo = mid + 1;
    }
    expect(kept(lo - 1)).toBe(false);
    expect(kept(lo)).toBe(true);
    // Alea's first draw from (x0, x1, x2, c = 0) is a·x0 mod 2^32: x0 = target · a⁻¹ mod 2^32.
    const A = 2091639n;
    const M = 2n ** 32n;
    let inv = 1n;
    for (let i = 0; i < 5; i++) inv = (inv * (2n - ((A * inv) % M) + M)) % M; // Newton: a·inv ≡ 1 mod 2^32
    expect((A * inv) % M).toBe(1n);
    const n = 4096;
    const x = Float32Array.from({ length: n }, (_, i) => (i % 5) + 0.5);
    for (const target of [lo - 1, lo, lo + 1]) {
      const x0 = Number((BigInt(target) * inv) % M);
      const state = { s0: x0 / 2 ** 32, s1: 0.25, s2: 0.75, c: 0 };
      const run = (level: SimdLevel) => {
        native!.simd(level);
        const y = new Float32Array(n);
        const bits = new Int32Array(Math.ceil(n / 32));
        native!.dropout(x, y, bits, rate, state);
        return { y, bits };
      };
      const want = run('scalar');
      expect((want.bits[0] & 1) === 1, `first draw ${target}`).toBe(target >= lo);
      for (const level of LEVELS.filter((l) => l !== 'scalar' && hasLevel(l))) {
        const got = run(level);
        expect(Array.from(got.y), `${level}, first draw ${target}`).toEqual(Array.from(want.y));
        expect(Array.from(got.bits), `${level}, first draw ${target}`).toEqual(Array.from(want.bits));
      }
    }
  });
});
