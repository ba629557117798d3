import { describe, expect, it } from 'vitest';
import { parseRunConfig } from '../../../common/runConfig.ts';
import { configToForm, defaultForm, errorsAt, fieldErrors, formToConfig, planInputOf, validateForm } from './newRunForm.ts';

describe('New-run form', () => {
  const filled = () => ({ ...defaultForm(), model: '/m/tiny', train: '/d/train.csv' });

  it('defaults come from the run-config schema (8-bit AdamW, paper block size)', () => {
    const f = defaultForm();
    expect(f.algorithm).toBe('adamw');
    expect(f.bits).toBe(8);
    expect(f.blockSize).toBe(2048);
    expect(f.lr).toBe(5e-5);
    expect(f.batchSize).toBe(8);
    expect(f.epochs).toBe(3);
  });

  it('a filled form is a valid config that round-trips through the form', () => {
    const f = { ...filled(), name: 'r1', bits: 32 as const, length: 'steps' as const, maxSteps: 30, tags: 'a, b, a', evalEverySteps: 10 };
    const res = validateForm(f);
    expect(res.ok).toBe(true);
    const parsed = parseRunConfig(formToConfig(f));
    if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
    expect(parsed.config.optimizer.name).toBe('adamw32bit');
    expect(parsed.config.training.maxSteps).toBe(30);
    expect(parsed.config.training.epochs).toBeUndefined();
    expect(parsed.config.tags).toEqual(['a', 'b']);
    const back = configToForm(parsed.config);
    expect(back).toMatchObject({ model: '/m/tiny', bits: 32, length: 'steps', maxSteps: 30, evalEverySteps: 10, name: 'r1 (copy)' });
  });

  it('names the field that is wrong, in place', () => {
    const res = validateForm({ ...filled(), lr: -1, batchSize: null, train: '' });
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(errorsAt(res.errors, 'optimizer.lr').join()).toMatch(/>0|positive|too small/i);
    expect(errorsAt(res.errors, 'training.batchSize')).toEqual(['required (a number)']);
    expect(errorsAt(res.errors, 'dataset.train')).toEqual(['required']);
    expect(errorsAt(res.errors, 'model')).toEqual([]);
  });

  it('maps error lines to config paths, children included', () => {
    const errors = fieldErrors(['tags.0: Too long', 'optimizer.blockSize: must be a power of two', 'something general']);
    expect(errorsAt(errors, 'tags')).toEqual(['Too long']);
    expect(errorsAt(errors, 'optimizer')).toEqual(['must be a power of two']);
    expect(errors.get('')).toEqual(['something general']);
  });

  it('feeds the planner only once the form describes a run', () => {
    expect(planInputOf(defaultForm(), 6 * 2 ** 30, null)).toBeNull();
    const input = planInputOf({ ...filled(), stableEmbedding: true, gradAccumSteps: 4 }, 6 * 2 ** 30, 3);
    expect(input).toMatchObject({ model: '/m/tiny', optimizer: 'adamw8bit', blockSize: 2048, batchSize: 8, seqLength: 128, numLabels: 3, stableEmbedding: true, gradAccumSteps: 4, gpuBytes: 6 * 2 ** 30 });
  });
});
