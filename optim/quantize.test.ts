import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { BLOCK_SIZES } from '../common/optimizers.ts';
import { composedQuantize, packTensor, unpackTensor } from './kernel/composed.ts';
import { fusedJsArrayKernel, searchTables } from './kernel/fusedJs.ts';
import { nativeArrayKernel } from './kernel/fusedNative.ts';
import { SIGNED_DYNAMIC_MAP, UNSIGNED_DYNAMIC_MAP } from './maps.ts';
import { checkBlockSize, dequantizeBlockwise, packCodes, quantizeBlockwise, unpackCodes } from './quantize.ts';
import { lookupCode, quantizeCodeTree } from './search.ts';
import { loadVector, rand, randn, rng, VECTOR_DIRS } from './testing.ts';
import type { QuantCase } from './vectors.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

type Quantizer = (x: Float32Array, B: number, signed: boolean) => { codes: Uint8Array; absmax: Float32Array };
const quantizers: Array<[string, Quantizer]> = [
  ['reference', (x, B, s) => quantizeBlockwise(x, B, s ? SIGNED_DYNAMIC_MAP : UNSIGNED_DYNAMIC_MAP)],
  ['fused-js', (x, B, s) => fusedJsArrayKernel.quantize(x, B, s ? SIGNED_DYNAMIC_MAP : UNSIGNED_DYNAMIC_MAP)],
  ['composed', composedQuantize],
];
const native = nativeArrayKernel();
if (native) quantizers.push(['fused-native', (x, B, s) => native.quantize(x, B, s ? SIGNED_DYNAMIC_MAP : UNSIGNED_DYNAMIC_MAP)]);

describe('block-wise quantization: blockwise_quant.json, bit-exact', () => {
  const cases = loadVector(VECTOR_DIRS[0], 'blockwise_quant.json') as QuantCase[];
  it('has the signed B=256, B=64 and unsigned cases', () => {
    expect(cases.map((c) => [c.signed, c.blockSize])).toEqual([[true, 256], [true, 64], [false, 256]]);
  });
  for (const [name, q] of quantizers) {
    it(`${name}: codes, absmax and dequantized values`, () => {
      for (const c of cases) {
        const { codes, absmax } = q(c.input, c.blockSize, c.signed);
        expect(Buffer.from(codes).equals(Buffer.from(c.codes))).toBe(true);
        expect(Buffer.from(absmax.buffer).equals(Buffer.from(c.absmax.buffer))).toBe(true);
        const deq = dequantizeBlockwise(codes, absmax, c.blockSize, c.signed ? SIGNED_DYNAMIC_MAP : UNSIGNED_DYNAMIC_MAP);
        expect(Buffer.from(deq.buffer).equals(Buffer.from(c.dequantized!.buffer))).toBe(true);
      }
    });
  }
});

describe('nearest-code search', () => {
  it('follows spec §1b on hand-picked points: ties to the even index, NaN -> 0, ends', () => {
    const s = SIGNED_DYNAMIC_MAP;
    const mid = (i: number) => Math.fround(Math.fround(s[i] + s[i + 1]) * 0.5);
    expect(quantizeCodeTree(s, NaN)).toBe(0);
    expect(quantizeCodeTree(s, -2)).toBe(0);
    expect(quantizeCodeTree(s, 2)).toBe(255);
    expect(quantizeCodeTree(s, 1)).toBe(255);
    expect(quantizeCodeTree(s, 0)).toBe(127);
    expect(quantizeCodeTree(s, mid(200))).toBe(200); // exact tie between 200 and 201: even index
    expect(quantizeCodeTree(s, mid(201))).toBe(202); // tie between 201 and 202
    expect(quantizeCodeTree(s, s[77])).toBe(77);
  });

  it('the lookup table gives the tree\'s answer everywhere we look (1e6 random points, bucket edges, specials)', () => {
    const { signed, unsigned } = searchTables();
    const f = new Float32Array(1);
    const u = new Uint32Array(f.buffer);
    const r = rng(99);
    const check = (table: typeof signed, map: Float32Array, bitsPattern: number) => {
      u[0] = bitsPattern >>> 0;
      const x = f[0];
      const want = quantizeCodeTree(map, x);
      const got = lookupCode(table, x, u[0]);
      if (got !== want) throw new Error(`x=${x} (bits ${u[0].toString(16)}): table ${got}, tree ${want}`);
    };
    for (const [table, map] of [[signed, SIGNED_DYNAMIC_MAP], [unsigned, UNSIGNED_DYNAMIC_MAP]] as const) {
      for (let i = 0; i < 500_000; i++) {
        f[0] = (r() * 2.2 - 1.1) * Math.pow(10, -Math.floor(r() * 9)); // all decades of the map and below
        check(table, map, u[0]);
      }
      for (let key = 0; key < 1 << 16; key++) {
        // the first and last float of every 2^16-wide bit range: every bucket edge, clamped rows, NaN, ±Inf
        check(table, map, key << 16);
        check(table, map, ((key + 1) << 16) - 1);
      }
      for (const x of [0, -0, Infinity, -Infinity, NaN, 1, -1, 1e-45, -1e-45, 3.4e38, -3.4e38, 2 ** -31, -(2 ** -31)]) {
        f[0] = x;
        check(table, map, u[0]);
      }
      for (let k = 1; k < 256; k++) {
        // each code's threshold and its neighbours, and the float32 midpoints and theirs
        f[0] = table.thresholds[k];
        const t = u[0];
        f[0] = Math.fround(Math.fround(map[k - 1] + map[k]) * 0.5);
        const m = u[0];
        for (const d of [-1, 0, 1]) {
          check(table, map, t + d);
          check(table, map, m + d);
        }
      }
    }
  });
});

describe('quantization error bounds (spec §1f, bitsandbytes test_dynamic_blockwise_quantization)', () => {
  // bitsandbytes uses 1024x1024 per iteration; 512x512 keeps the means' noise far below the margins
  const n = 512 * 512;
  const cases = [
    { input: 'randn', signed: true, abs: 0.011, rel: 0.018 },
    { input: 'rand', signed: true, abs: 0.0036, rel: 0.015 },
    { input: 'rand', signed: false, abs: 0.0023, rel: 0.012 },
  ] as const;
  for (const B of BLOCK_SIZES) {
    it(`block size ${B}`, () => {
      for (const c of cases) {
        const x = c.input === 'randn' ? randn(n, B + 1) : rand(n, B + 2);
        const map = c.signed ? SIGNED_DYNAMIC_MAP : UNSIGNED_DYNAMIC_MAP;
        const { codes, absmax } = fusedJsArrayKernel.quantize(x, B, map);
        const y = dequantizeBlockwise(codes, absmax, B, map);
        let abs = 0;
        let rel = 0;
        for (let i = 0; i < n; i++) {
          const d = Math.abs(x[i] - y[i]);
          abs += d;
          rel += d / Math.abs(x[i] + 1e-8);
        }
        expect(abs / n, `${c.input} signed=${c.signed} abserr`).toBeLessThan(c.abs);
        expect(rel / n, `${c.input} signed=${c.signed} relerr`).toBeLessThan(c.rel);
        // and they are not trivially small: 8 bits cannot do better than ~1e-4 mean abs error here
        expect(abs / n).toBeGreaterThan(1e-4);
      }
    });
  }

  it('the fast quantizer equals the reference on these inputs', () => {
    const x = randn(70_001, 5);
    for (const B of [64, 2048]) {
      const a = quantizeBlockwise(x, B);
      const b = fusedJsArrayKernel.quantize(x, B, SIGNED_DYNAMIC_MAP);
      expect(Buffer.from(a.codes).equals(Buffer.from(b.codes))).toBe(true);
      expect(Array.from(a.absmax)).toEqual(Array.from(b.absmax));
    }
  });
});

describe('code packing (four codes per int32)', () => {
  it('round-trips in TypeScript and with tfjs ops, for every length mod 4 and every byte value', () => {
    for (const n of [1, 2, 3, 4, 5, 255, 256, 1001]) {
      const codes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + 255) & 0xff);
      codes[0] = 255;
      expect(Array.from(unpackCodes(packCodes(codes), n))).toEqual(Array.from(codes));
      const t = tf.tensor1d(Int32Array.from(codes), 'int32');
      const packed = packTensor(t, n);
      expect(Array.from(packed.dataSync())).toEqual(Array.from(packCodes(codes)));
      const back = unpackTensor(packed, n);
      expect(Array.from(back.dataSync())).toEqual(Array.from(codes));
      tf.dispose([t, packed, back]);
    }
  });

  it('rejects block sizes that are not powers of two in 64..4096', () => {
    expect(() => checkBlockSize(100)).toThrow(/64, 128, 256, 512, 1024, 2048, 4096/);
    expect(() => checkBlockSize(8192)).toThrow();
    expect(() => checkBlockSize(2048)).not.toThrow();
  });
});
