// One shared suite run over every registered kernel (tfjs-core's habit): each kernel, on each backend it
// runs on, against every vector file of the repository. Exact kernels must reproduce every byte;
// composed must stay within bitsandbytes' tolerances. Then properties every kernel must have.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALGORITHMS, stepScalars, UPDATE_RULES } from '../algorithms.ts';
import { runConformance } from '../conformance.ts';
import { packedLength, numBlocks } from '../quantize.ts';
import { loadAllVectors, randn } from '../testing.ts';
import { listKernels, pickKernel } from './registry.ts';
import type { SlotTensors } from './types.ts';

const vectors = loadAllVectors();
const backends = ['cpu', 'wasm'] as const;

beforeAll(async () => {
  tf.env().set('PROD', true);
  await tf.ready();
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

it('the registry holds the four kernels and picks one per backend', () => {
  expect(listKernels().map((k) => k.name)).toEqual(['reference', 'fused-js', 'fused-native', 'composed']);
  expect(['fused-native', 'fused-js']).toContain(pickKernel('cpu'));
  expect(['fused-native', 'fused-js']).toContain(pickKernel('wasm'));
  expect(pickKernel('webgl')).toBe('composed');
  expect(pickKernel('tensorflow')).toBe('composed');
  expect(vectors.length).toBeGreaterThanOrEqual(25);
});

for (const backend of backends) {
  for (const kernel of listKernels()) {
    if (kernel.name === 'composed' && backend !== 'cpu') continue; // composed is for GPU backends; checked on cpu
    describe(`${kernel.name} on ${backend}`, () => {
      beforeAll(async () => {
        expect(await tf.setBackend(backend)).toBe(true);
      });
      it.skipIf(!kernel.available(backend))(`every vector file, ${kernel.exact ? 'bit-exact' : "within bitsandbytes' tolerances"}`, () => {
        const failed: string[] = [];
        let rows = 0;
        for (const { file, cases } of vectors) {
          for (const row of runConformance(file, cases.filter((c) => c.kind === 'trajectory'), kernel)) {
            rows++;
            if (!row.pass) failed.push(`${row.case}: codes≠${row.codeMismatches} floats≠${row.floatMismatches} max|Δp| ${row.maxParamDiff} ${row.note}`);
          }
        }
        expect(rows).toBeGreaterThanOrEqual(23); // 2 in testdata/vectors, 21 in optim/testdata/vectors
        expect(failed).toEqual([]);
      });

      it.skipIf(!kernel.available(backend))('allocates no tensors per step and keeps memory flat, for every rule in 8 and 32 bits', () => {
        const n = 10_000;
        const B = 256;
        for (const rule of UPDATE_RULES) {
          for (const bits of [8, 32] as const) {
            const v = tf.variable(tf.tensor1d(randn(n, 1, 0.1)), true, `kernel-suite/${kernel.name}/${backend}/${rule}/${bits}`);
            const g = tf.tensor1d(randn(n, 2, 0.01));
            const two = rule === 'adam';
            const slot: SlotTensors =
              bits === 8
                ? {
                    bits, n,
                    s1: tf.zeros([packedLength(n)], 'int32'), a1: tf.zeros([numBlocks(n, B)]),
                    s2: two ? tf.zeros([packedLength(n)], 'int32') : undefined, a2: two ? tf.zeros([numBlocks(n, B)]) : undefined,
                  }
                : { bits, n, s1: tf.zeros([n]), s2: two ? tf.zeros([n]) : undefined };
            const step = (s: number) => kernel.apply(v, g, slot, stepScalars(rule, ALGORITHMS[rule === 'adam' ? 'adamw' : rule].defaults, s), B);
            step(1); // the first step may make the variable's buffer private
            const before = tf.memory();
            const dataIds = [v.dataId, slot.s1.dataId, slot.a1?.dataId];
            for (let s = 2; s <= 4; s++) step(s);
            const after = tf.memory();
            expect(after.numTensors, `${rule} ${bits}-bit numTensors`).toBe(before.numTensors);
            expect(after.numBytes, `${rule} ${bits}-bit numBytes`).toBe(before.numBytes);
            if (kernel.name === 'fused-js' || kernel.name === 'fused-native') {
              // in place: the very same buffers, no replacement tensors
              expect([v.dataId, slot.s1.dataId, slot.a1?.dataId]).toEqual(dataIds);
            }
            const p = v.dataSync();
            expect(p.every((x) => Number.isFinite(x))).toBe(true);
            tf.dispose([v, g, slot.s1, slot.a1, slot.s2, slot.a2].filter((t): t is tf.Tensor => t !== undefined));
          }
        }
      });

      it.skipIf(!kernel.available(backend))('does not write through to a tensor that shares the parameter\'s buffer', () => {
        const init = tf.tensor1d(randn(5000, 3));
        const copy = Float32Array.from(init.dataSync());
        const v = tf.variable(init, true, `kernel-suite/${kernel.name}/${backend}/shared`); // shares init's buffer
        const g = tf.tensor1d(randn(5000, 4, 0.01));
        const slot: SlotTensors = { bits: 32, n: 5000, s1: tf.zeros([5000]), s2: tf.zeros([5000]) };
        kernel.apply(v, g, slot, stepScalars('adam', ALGORITHMS.adam.defaults, 1), 256);
        expect(Array.from(init.dataSync())).toEqual(Array.from(copy));
        expect(Array.from(v.dataSync())).not.toEqual(Array.from(copy));
        tf.dispose([init, v, g, slot.s1, slot.s2!]);
      });
    });
  }
}
