// transformers' _shift_right on labels: the start token first, each row's labels moved one right (the
// last dropped), ignored labels (-100) replaced by the pad token. Expected values written out by hand.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { shiftRight } from './conditionalGeneration.ts';

describe('shiftRight', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('prepends the start token per row and drops each row\'s last label', () => {
    const labels = tf.tensor2d([[5, 6, -100], [7, -100, -100], [8, 9, 10]], [3, 3], 'int32');
    expect(shiftRight(labels, 0, 0).arraySync()).toEqual([[0, 5, 6], [0, 7, 0], [0, 8, 9]]);
    expect(shiftRight(labels, 2, 9).arraySync()).toEqual([[2, 5, 6], [2, 7, 9], [2, 8, 9]]);
  });

  it('handles one-token labels and float labels', () => {
    expect(shiftRight(tf.tensor2d([[4], [-100]], [2, 1], 'int32'), 3, 1).arraySync()).toEqual([[3], [3]]);
    const shifted = shiftRight(tf.tensor2d([[1, 2]], [1, 2], 'float32'), 0, 0);
    expect(shifted.dtype).toBe('int32');
    expect(shifted.arraySync()).toEqual([[0, 1]]);
  });
});
