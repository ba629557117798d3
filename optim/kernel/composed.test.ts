// The composed kernel's chunking and search: cutting a tensor into chunks must not change a single
// bit of the result (every op is element-wise or per block, and chunks are whole blocks), and the
// threshold search must give the 7-probe tree's code everywhere it matters.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { ALGORITHMS, stepScalars, UPDATE_RULES, type UpdateRule } from '../algorithms.ts';
import { runConformance } from '../conformance.ts';
import { SIGNED_DYNAMIC_MAP, UNSIGNED_DYNAMIC_MAP } from '../maps.ts';
import { numBlocks, packedLength } from '../quantize.ts';
import { quantizeCodeTree } from '../search.ts';
import { loadAllVectors, randn } from '../testing.ts';
import { makeComposedKernel } from './composed.ts';
import { chunkLength, chunkRanges, COMPOSED_CHUNK_ELEMENTS } from './composedChunks.ts';
import { mapTensors, searchCodes } from './composedOps.ts';
import { searchTables } from './fusedJs.ts';
import type { SlotTensors } from './types.ts';

beforeAll(async () => {
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
});

it('chunks are whole blocks and cover the tensor once', () => {
  expect(COMPOSED_CHUNK_ELEMENTS % 4096).toBe(0);
  expect(chunkLength(1000, 256)).toBe(768);
  expect(chunkLength(100, 256)).toBe(256);
  expect(chunkRanges(1000, 256).map((r) => [r.start, r.length])).toEqual([[0, 256], [256, 256], [512, 256], [768, 232]]);
  expect(chunkRanges(512, 256)).toHaveLength(2);
});

/** Three steps (the second with NaN/Inf gradients and an all-zero block, the third with decay); every byte after. */
function run(chunk: number, rule: UpdateRule, bits: 8 | 32, n: number, B: number): Buffer {
  const kernel = makeComposedKernel(chunk);
  const v = tf.variable(tf.tensor2d(randn(n, 1, 0.1), [n, 1]), true, `composed-chunks/${chunk}/${rule}/${bits}/${n}/${B}`);
  const two = rule === 'adam';
  const slot: SlotTensors = bits === 8
    ? { bits, n, s1: tf.zeros([packedLength(n)], 'int32'), a1: tf.zeros([numBlocks(n, B)]), s2: two ? tf.zeros([packedLength(n)], 'int32') : undefined, a2: two ? tf.zeros([numBlocks(n, B)]) : undefined }
    : { bits, n, s1: tf.zeros([n]), s2: two ? tf.zeros([n]) : undefined };
  for (let s = 1; s <= 3; s++) {
    const gv = randn(n, 10 + s, 0.01);
    if (s === 2) {
      gv[5] = NaN;
      gv[n - 2] = Infinity;
      gv.fill(0, B, 2 * B);
    }
    const g = tf.tensor2d(gv, [n, 1]);
    kernel.apply(v, g, slot, stepScalars(rule, { ...ALGORITHMS[two ? 'adamw' : rule].defaults, weightDecay: s === 3 ? 0.01 : 0 }, s), B);
    g.dispose();
  }
  const parts = [v, slot.s1, slot.a1, slot.s2, slot.a2].filter((t): t is tf.Tensor => t !== undefined);
  const out = Buffer.concat(parts.map((t) => {
    const a = t.dataSync() as Float32Array | Int32Array;
    return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  }));
  tf.dispose(parts);
  return out;
}

describe('composed kernel: chunked = whole, bit for bit', () => {
  for (const rule of UPDATE_RULES) {
    for (const bits of [8, 32] as const) {
      it(`${rule} ${bits}-bit`, () => {
        for (const [n, B] of [[5003, 64], [2050, 256]]) {
          const whole = run(COMPOSED_CHUNK_ELEMENTS, rule, bits, n, B);
          for (const chunk of [B, 4 * B + 1, 1024]) expect(run(chunk, rule, bits, n, B).equals(whole), `chunk ${chunk}, n ${n}, B ${B}`).toBe(true);
        }
      });
    }
  }
});

it('every vector file in small chunks stays within the tolerances', () => {
  const kernel = makeComposedKernel(128);
  const failed: string[] = [];
  for (const { file, cases } of loadAllVectors()) {
    for (const row of runConformance(file, cases.filter((c) => c.kind === 'trajectory'), kernel)) if (!row.pass) failed.push(`${row.case}: ${row.note}`);
  }
  expect(failed).toEqual([]);
});

describe('threshold search', () => {
  it("gives the 7-probe tree's code on every threshold, its neighbours, the map values and specials", () => {
    const maps = mapTensors();
    for (const [map, values, thresholds] of [
      [maps.signed, SIGNED_DYNAMIC_MAP, searchTables().signed.thresholds],
      [maps.unsigned, UNSIGNED_DYNAMIC_MAP, searchTables().unsigned.thresholds],
    ] as const) {
      const xs: number[] = [NaN, 0, -0, Infinity, -Infinity, 2, -2, 1e-30, -1e-30];
      const bits = new Float32Array(1);
      const u = new Uint32Array(bits.buffer);
      for (const t of [...thresholds.subarray(1, 256), ...values]) {
        bits[0] = t;
        const base = u[0];
        for (const d of [-2, -1, 0, 1, 2]) {
          u[0] = base + d;
          xs.push(bits[0]);
        }
      }
      xs.push(...randn(20_000, 7, 0.3));
      const x = Float32Array.from(xs);
      const got = tf.tidy(() => searchCodes(map, tf.tensor1d(x)).dataSync());
      const want = Array.from(x, (v) => quantizeCodeTree(values, v));
      expect(Array.from(got)).toEqual(want);
    }
  });
});
