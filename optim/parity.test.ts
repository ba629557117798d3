// bitsandbytes' tests/test_optim.py::test_optimizer8bit, for each 8-bit optimizer against its 32-bit twin
// (spec §1f): 50 steps with p = randn·0.1 and g = randn·0.01; after every step fewer than 20 states outside
// isclose(atol 3e-3, rtol 1e-3), mean |Δp| < 6e-5 and mean relative |Δp| < 6e-4; every 10 steps a save/load
// round trip through the state file must reproduce the codes and absmax exactly and the parameters must
// all be isclose(atol 1e-5, rtol 1e-3); then the runs are re-synchronised as the test does (8-bit params
// <- 32-bit params, 32-bit states <- dequantized 8-bit states), so each step measures one step's error.
// bitsandbytes uses 1024x{32,1024,4097}; 128x257 keeps this fast and still spans 129 blocks of 256
// (17 of 2048), the last one partial.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import type { OptimizerName } from '../common/optimizers.ts';
import type { OptimizerOptions } from './factory.ts';
import { createOptimizer } from './factory.ts';
import { SIGNED_DYNAMIC_MAP, UNSIGNED_DYNAMIC_MAP } from './maps.ts';
import type { BlockwiseOptimizer, StateSnapshot } from './optimizer.ts';
import { dequantizeBlockwise } from './quantize.ts';
import { loadStateBytes, saveStateBytes } from './stateFile.ts';
import { randn } from './testing.ts';

beforeAll(async () => {
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
});

const SHAPE = [128, 257];
const N = SHAPE[0] * SHAPE[1];

const cases: Array<{ name: OptimizerName; options: OptimizerOptions }> = [
  { name: 'adam8bit', options: { blockSize: 256 } },
  { name: 'adam8bit', options: { blockSize: 2048 } },
  { name: 'adamw8bit', options: { blockSize: 256 } },
  { name: 'momentum8bit', options: { blockSize: 256, learningRate: 0.01, momentum: 0.9 } },
  { name: 'rmsprop8bit', options: { blockSize: 256, learningRate: 0.01, alpha: 0.9 } },
  { name: 'lion8bit', options: { blockSize: 256 } },
  { name: 'adagrad8bit', options: { blockSize: 256, learningRate: 0.01 } },
];

const isClose = (a: number, b: number, atol: number, rtol: number) => Math.abs(a - b) <= atol + rtol * Math.abs(b);

function states(snap: StateSnapshot, blockSize: number): Float32Array[] {
  const s = snap.slots[0];
  if (s.bits === 32) return s.arrays.map((a) => a.data as Float32Array);
  const get = (role: string) => s.arrays.find((a) => a.role === role)?.data;
  const out = [dequantizeBlockwise(get('state1') as Uint8Array, get('absmax1') as Float32Array, blockSize, SIGNED_DYNAMIC_MAP)];
  if (get('state2')) out.push(dequantizeBlockwise(get('state2') as Uint8Array, get('absmax2') as Float32Array, blockSize, UNSIGNED_DYNAMIC_MAP));
  return out;
}

describe('50-step parity of each 8-bit optimizer with its 32-bit twin (bitsandbytes thresholds)', () => {
  for (const { name, options } of cases) {
    it(`${name} B=${options.blockSize}`, async () => {
      const twin = name.replace('8bit', '32bit') as OptimizerName;
      const id = `parity/${name}/${options.blockSize}`;
      const p0 = randn(N, 1234, 0.1);
      const v8 = tf.variable(tf.tensor(p0, SHAPE), true, `${id}/8`);
      const v32 = tf.variable(tf.tensor(p0, SHAPE), true, `${id}/32`);
      let opt8: BlockwiseOptimizer = createOptimizer(name, options);
      const opt32 = createOptimizer(twin, options);
      let worstNotClose = 0;
      let maxStateDiff = 0;
      let worstErr = 0;
      let worstRel = 0;
      let reloads = 0;
      for (let i = 0; i < 50; i++) {
        const g = tf.tensor(randn(N, 5000 + i, 0.01), SHAPE);
        opt8.applyGradients({ [`${id}/8`]: g });
        opt32.applyGradients({ [`${id}/32`]: g });
        g.dispose();
        const snap8 = await opt8.snapshot();
        const snap32 = await opt32.snapshot();
        const s8 = states(snap8, options.blockSize!);
        const s32 = states(snap32, options.blockSize!);
        expect(snap8.slots[0].bits).toBe(8);
        expect(s8.length).toBe(s32.length);
        for (let k = 0; k < s8.length; k++) {
          let notClose = 0;
          for (let j = 0; j < N; j++) {
            if (!isClose(s32[k][j], s8[k][j], 3e-3, 1e-3)) notClose++;
            maxStateDiff = Math.max(maxStateDiff, Math.abs(s32[k][j] - s8[k][j]));
          }
          worstNotClose = Math.max(worstNotClose, notClose);
        }
        const p8 = v8.dataSync() as Float32Array;
        const p32 = v32.dataSync() as Float32Array;
        let err = 0;
        let rel = 0;
        for (let j = 0; j < N; j++) {
          const d = Math.abs(p32[j] - p8[j]);
          err += d;
          rel += d / (Math.abs(p32[j]) + 1e-9);
        }
        worstErr = Math.max(worstErr, err / N);
        worstRel = Math.max(worstRel, rel / N);
        if (i > 0 && i % 10 === 0) {
          const bytes = await saveStateBytes(opt8);
          const loaded = createOptimizer(name, options);
          loadStateBytes(loaded, bytes);
          const again = await loaded.snapshot();
          expect(again).toEqual(snap8); // raw codes, absmax, step, hyper-parameters
          expect(Buffer.from(await saveStateBytes(loaded)).equals(Buffer.from(bytes))).toBe(true);
          let far = 0;
          for (let j = 0; j < N; j++) if (!isClose(p8[j], p32[j], 1e-5, 1e-3)) far++;
          expect(far, `step ${i + 1}: parameters outside isclose(1e-5, 1e-3)`).toBe(0);
          opt8.dispose();
          opt8 = loaded;
          reloads++;
        }
        // re-synchronise as the bitsandbytes test does
        v8.assign(v32);
        opt32.restore({ ...snap32, slots: [{ ...snap32.slots[0], arrays: snap32.slots[0].arrays.map((a, k) => ({ role: a.role, data: s8[k] })) }] });
      }
      expect(worstNotClose, 'states not close (per step, per state)').toBeLessThan(20);
      expect(worstErr, 'mean |Δp|').toBeLessThan(6e-5);
      expect(worstRel, 'mean relative |Δp|').toBeLessThan(6e-4);
      // the states really are 8-bit (the parameter error can be exactly 0 for the 1-state rules: after the
      // re-synchronisation both runs update p from the same unquantized fp32 state)
      expect(maxStateDiff, 'quantization error of the states').toBeGreaterThan(0);
      expect(reloads).toBe(4);
      opt8.dispose();
      opt32.dispose();
      tf.dispose([v8, v32]);
    });
  }
});
