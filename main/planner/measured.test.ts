// The planner against reality: one training step of the real models (models/) with the real
// optimizer (optim/, 8-bit unless named) on the cpu backend, peak of distinct tensor buffers measured
// by trackTensorPeak, compared with the planner's tensorPeakBytes for the same configuration.
import { afterAll, describe, expect, it } from 'vitest';
import { MEASURE_CASES } from './measure/cases.ts';
import { measureStep, type MeasureResult } from './measure/trainStep.ts';

const results: MeasureResult[] = [];
afterAll(() => {
  const lines = results.map((r) => `${r.label.padEnd(44)} predicted ${String(r.predicted).padStart(10)}  measured ${String(r.measured).padStart(10)}  ${(100 * r.error).toFixed(1).padStart(5)} %  (${r.optimizerKernel})`);
  console.log(`planner vs TensorFlow.js (cpu), peak tensor bytes of one training step:\n${lines.join('\n')}`);
});

describe('predicted vs measured peak tensor memory (within 10 %)', () => {
  for (const c of MEASURE_CASES) {
    it(c.label, async () => {
      const r = await measureStep(c);
      results.push(r);
      expect(Math.abs(r.error), `predicted ${r.predicted}, measured ${r.measured}`).toBeLessThan(0.1);
    });
  }
});
