import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { dropout, type RunContext } from './dropout.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('dropout', () => {
  const x = tf.ones([1000]);
  it('is the identity in eval mode', () => {
    expect(dropout(x, 0.5, {})).toBe(x);
  });
  it('draws the same masks for the same seed and different masks for each call of a pass', () => {
    const a: RunContext = { training: true, seed: 7 };
    const b: RunContext = { training: true, seed: 7 };
    const a1 = Array.from(dropout(x, 0.5, a).dataSync());
    const a2 = Array.from(dropout(x, 0.5, a).dataSync());
    expect(Array.from(dropout(x, 0.5, b).dataSync())).toEqual(a1);
    expect(a2).not.toEqual(a1);
    // inverted dropout: kept entries are scaled by 1/(1-rate)
    expect(new Set(a1)).toEqual(new Set([0, 2]));
  });
});
