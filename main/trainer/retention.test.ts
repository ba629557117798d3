import { describe, expect, it } from 'vitest';
import { checkpointsToDelete } from './retention.ts';

describe('checkpoint retention', () => {
  const cps = [10, 20, 30, 40].map((step) => ({ step, isBest: step === 20 }));
  it('keeps the newest N and the best', () => {
    expect(checkpointsToDelete(cps, 2, true).map((c) => c.step)).toEqual([10]);
  });
  it('drops the best too when keepBest is off', () => {
    expect(checkpointsToDelete(cps, 1, false).map((c) => c.step)).toEqual([10, 20, 30]);
  });
});
