import { describe, expect, it } from 'vitest';
import { diffConfigs, flattenConfig, jsonEqual } from './configDiff.ts';

describe('flattenConfig', () => {
  it('turns nested objects into dotted paths and keeps arrays whole', () => {
    const flat = flattenConfig({ model: 'm', optimizer: { name: 'adamw8bit', betas: [0.9, 0.999] }, tags: [] });
    expect([...flat.entries()]).toEqual([
      ['model', 'm'],
      ['optimizer.name', 'adamw8bit'],
      ['optimizer.betas', [0.9, 0.999]],
      ['tags', []],
    ]);
  });
});

describe('diffConfigs', () => {
  const a = { model: 'roberta', optimizer: { name: 'adamw8bit', lr: 5e-5, betas: [0.9, 0.999] }, training: { batchSize: 8, seed: 1 } };
  const b = { model: 'roberta', optimizer: { name: 'adamw32bit', lr: 5e-5, betas: [0.9, 0.98] }, training: { seed: 1, batchSize: 8 } };

  it('shows only the paths that differ, in config order', () => {
    expect(diffConfigs([a, b])).toEqual([
      { path: 'optimizer.name', values: ['adamw8bit', 'adamw32bit'] },
      { path: 'optimizer.betas', values: [[0.9, 0.999], [0.9, 0.98]] },
    ]);
  });

  it('reports a path present in only some configs with undefined where absent', () => {
    const c = { ...a, notes: 'x' };
    expect(diffConfigs([a, c, a])).toEqual([{ path: 'notes', values: [undefined, 'x', undefined] }]);
  });

  it('is empty for identical configs (key order does not matter) and for a single config', () => {
    expect(diffConfigs([a, JSON.parse(JSON.stringify(a))])).toEqual([]);
    expect(diffConfigs([a])).toEqual([]);
    expect(diffConfigs([])).toEqual([]);
  });

  it('treats an object replaced by a scalar as different at the scalar path and at each object leaf', () => {
    expect(diffConfigs([{ x: { y: 1 } }, { x: 2 }])).toEqual([
      { path: 'x.y', values: [1, undefined] },
      { path: 'x', values: [undefined, 2] },
    ]);
  });
});

describe('jsonEqual', () => {
  it('compares structurally', () => {
    expect(jsonEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBe(true);
    expect(jsonEqual({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(jsonEqual([1, 2], [2, 1])).toBe(false);
    expect(jsonEqual(null, {})).toBe(false);
  });
});
