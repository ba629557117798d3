import { describe, expect, it } from 'vitest';
import { newTracker, recordEval, shouldStop } from './earlyStopping.ts';

describe('early stopping', () => {
  it('stops after `patience` evaluations without improvement (higher is better)', () => {
    const t = newTracker('accuracy', true);
    expect(recordEval(t, 0.5, 10)).toBe(true);
    expect(recordEval(t, 0.6, 20)).toBe(true);
    expect(recordEval(t, 0.6, 30)).toBe(false); // equal is not better
    expect(shouldStop(t, 2)).toBe(false);
    expect(recordEval(t, 0.55, 40)).toBe(false);
    expect(shouldStop(t, 2)).toBe(true);
    expect(t.best).toEqual({ value: 0.6, step: 20 });
  });
  it('treats lower as better for losses and never takes NaN as best', () => {
    const t = newTracker('loss', false);
    recordEval(t, 2, 1);
    expect(recordEval(t, Number.NaN, 2)).toBe(false);
    expect(recordEval(t, 1.5, 3)).toBe(true);
    expect(t.best?.value).toBe(1.5);
    expect(shouldStop(t, undefined)).toBe(false);
  });
});
