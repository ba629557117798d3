import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { trackTensorPeak, type EngineLike } from './tensorPeak.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('trackTensorPeak: distinct buffers, not tensors', () => {
  it('counts a shared buffer once where tf.memory() counts every tensor', () => {
    const tr = trackTensorPeak(tf.engine() as unknown as EngineLike, { recordPeakSet: true });
    try {
      const before = tf.memory().numBytes;
      const a = tf.ones([1000]); // 4000 B
      const c = tf.add(a, a); // +4000 B
      const d = tf.clone(c); // same buffer as c
      const r = tf.reshape(d, [10, 100]); // same buffer again
      expect(tr.current()).toBe(8000);
      expect(tf.memory().numBytes - before).toBe(16000);
      c.dispose();
      d.dispose();
      expect(tr.current()).toBe(8000); // r still holds the buffer
      r.dispose();
      expect(tr.current()).toBe(4000);
      expect(tr.peak()).toBe(8000);
      expect(tr.peakBuffers().map((b) => [b.shape, b.bytes])).toEqual([[[1000], 4000], [[1000], 4000]]);
      tr.resetPeak();
      expect(tr.peak()).toBe(4000);
      a.dispose();
      expect(tr.current()).toBe(0);
    } finally {
      tr.stop();
    }
  });
});
