// The native kernel against the TypeScript kernels on large random tensors (so the multi-threaded path
// runs), on each vector path compiled in (AVX-512, AVX2, scalar): every byte must agree.
import { afterAll, describe, expect, it } from 'vitest';
import { optimNative } from '../../native/optimKernels.ts';
import { ALGORITHMS, stepScalars, UPDATE_RULES } from '../algorithms.ts';
import { SIGNED_DYNAMIC_MAP } from '../maps.ts';
import { numBlocks } from '../quantize.ts';
import { randn } from '../testing.ts';
import { fusedJsArrayKernel, searchTables } from './fusedJs.ts';
import { initNative, nativeArrayKernel } from './fusedNative.ts';
import { referenceArrayKernel } from './reference.ts';
import type { ArrayKernel } from './types.ts';

const native = nativeArrayKernel();
const savedSimd = process.env.OCTET_NATIVE_SIMD;
afterAll(() => {
  if (savedSimd === undefined) delete process.env.OCTET_NATIVE_SIMD;
  else process.env.OCTET_NATIVE_SIMD = savedSimd;
});

function run(k: ArrayKernel, rule: (typeof UPDATE_RULES)[number], bits: 8 | 32, n: number, B: number, steps: number) {
  const p = randn(n, 1, 0.1);
  const st = { c1: new Uint8Array(n), c2: new Uint8Array(n), a1: new Float32Array(numBlocks(n, B)), a2: new Float32Array(numBlocks(n, B)), s1: new Float32Array(n), s2: new Float32Array(n) };
  const two = rule === 'adam';
  for (let s = 1; s <= steps; s++) {
    const g = randn(n, 10 + s, 0.01);
    if (s === 2) {
      g[5] = NaN; // non-finite gradients and an all-zero block go through the same code in every kernel
      g[6] = Infinity;
      g.fill(0, B, 2 * B);
    }
    const sc = stepScalars(rule, { ...ALGORITHMS[rule === 'adam' ? 'adamw' : rule].defaults, weightDecay: s === 3 ? 0.01 : 0 }, s);
    if (bits === 8) k.step8(sc, B, { p, g, c1: st.c1, a1: st.a1, c2: two ? st.c2 : undefined, a2: two ? st.a2 : undefined });
    else k.step32(sc, { p, g, s1: st.s1, s2: two ? st.s2 : undefined });
  }
  return Buffer.concat([p, st.c1, st.c2, st.a1, st.a2, st.s1, st.s2].map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength)));
}

describe.skipIf(!native)('fused native kernel', () => {
  const n = 140_001; // > 2 x 65536: the thread pool is used; odd: a partial last block and a scalar tail
  const expected = new Map<string, Buffer>();
  const viaJs = (rule: (typeof UPDATE_RULES)[number], bits: 8 | 32, B: number) => {
    const key = `${rule}/${bits}/${B}`;
    if (!expected.has(key)) expected.set(key, run(fusedJsArrayKernel, rule, bits, n, B, 3));
    return expected.get(key)!;
  };
  for (const simd of ['best', 'avx2', 'scalar']) {
    it(`equals fused JS byte for byte (${simd} path), every rule, 8 and 32 bits, B 64 and 2048`, (ctx) => {
      if (simd === 'best') delete process.env.OCTET_NATIVE_SIMD;
      else process.env.OCTET_NATIVE_SIMD = simd;
      initNative(optimNative()!);
      const level = optimNative()!.simd();
      if (simd !== 'best' && level !== simd) ctx.skip(`the ${simd} path is not compiled in on this machine`);
      for (const rule of UPDATE_RULES) {
        for (const [bits, B] of [[8, 64], [8, 2048], [32, 2048]] as const) {
          const a = run(native!, rule, bits, n, B, 3);
          const b = viaJs(rule, bits, B);
          expect(a.equals(b), `${rule} ${bits}-bit B=${B}`).toBe(true);
        }
      }
    });
  }

  it('equals the reference kernel on Adam (the ground truth, directly)', () => {
    const a = run(native!, 'adam', 8, 20_003, 256, 3);
    const b = run(referenceArrayKernel, 'adam', 8, 20_003, 256, 3);
    expect(a.equals(b)).toBe(true);
  });

  it('block-wise quantization equals the reference', () => {
    const x = randn(200_000, 3);
    const q = native!.quantize(x, 4096, SIGNED_DYNAMIC_MAP);
    const r = referenceArrayKernel.quantize(x, 4096, SIGNED_DYNAMIC_MAP);
    expect(Buffer.from(q.codes).equals(Buffer.from(r.codes))).toBe(true);
    expect(Array.from(q.absmax)).toEqual(Array.from(r.absmax));
  });

  it("the vector code search equals the table (and sign fix-up) on float32 values of both signs, around every threshold", () => {
    delete process.env.OCTET_NATIVE_SIMD;
    const addon = optimNative()!;
    initNative(addon);
    const bits = new Uint32Array(new Float32Array(searchTables().signed.thresholds).buffer);
    const ubits = new Uint32Array(new Float32Array(searchTables().unsigned.thresholds).buffer);
    let checked = 0;
    let guarded = 0;
    for (const signed of [true, false]) {
      for (const sign of [0, 0x80000000]) {
        // every 97th pattern from 0 to a little past 1.0 (exponents below the table's window included)
        const r = addon.searchCheck(signed, sign, sign + 0x3f800000 + 4096, 97);
        expect(r.wrong, `${signed ? 'signed' : 'unsigned'} sign ${sign}`).toBe(0);
        checked += r.checked;
        guarded += r.guarded;
      }
      for (const t of signed ? bits.subarray(1, 256) : ubits.subarray(1, 256)) {
        for (const sign of [0, 0x80000000]) {
          const mag = t & 0x7fffffff;
          const r = addon.searchCheck(signed, sign + Math.max(0, mag - 64), sign + mag + 64, 1);
          expect(r.wrong, `around threshold ${t.toString(16)}`).toBe(0);
          checked += r.checked;
        }
      }
    }
    if (addon.simd() === 'avx512') {
      expect(checked).toBeGreaterThan(40_000_000);
      expect(guarded).toBeGreaterThan(0); // the band's lanes took the table
    }
  });
});
