// wasm Identity shares the buffer (as cpu's does): clones cost no memory and stay valid on their own.
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { setupBackend } from './setup.ts';

it('clones share the wasm buffer and outlive the original; the buffer is freed with the last one', async () => {
  await setupBackend('wasm');
  const backend = tf.backend() as unknown as { numDataIds(): number; refCount(id: object): number };
  const before = backend.numDataIds();
  const x = tf.tensor1d([1, 2, 3]);
  const y = tf.clone(x);
  expect(y.dataId).toBe(x.dataId);
  expect(backend.refCount(x.dataId)).toBe(2);
  expect(backend.numDataIds()).toBe(before + 1);
  x.dispose();
  expect(Array.from(await y.data())).toEqual([1, 2, 3]);
  y.dispose();
  expect(backend.numDataIds()).toBe(before);
  // A variable made from a tensor, and the tensors the tape saves, keep working after the source goes.
  const v = tf.variable(tf.tensor1d([2, 3]), true, 'identity-test-v');
  const { grads } = tf.variableGrads(() => tf.sum(tf.mul(v, v)), [v]);
  expect(Array.from(await grads[v.name].data())).toEqual([4, 6]);
  tf.dispose([v, grads]);
});
