// The planner's model of optim's composed kernel against the kernel itself: the transient peak of one
// step (distinct tensor buffers beyond the parameter and its state, trackTensorPeak) for every
// optimizer, with tensors of one chunk (whole blocks, a partial last block) and of several chunks.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { OPTIMIZER_NAMES } from '../../common/optimizers.ts';
import { measureComposedStep } from './measure/composedStep.ts';
import { composedWorkspaceUnits } from './workspace.ts';

beforeAll(async () => {
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
});

describe("composed kernel's workspace: planner vs measured (within 10 %)", () => {
  const B = 256;
  const shapes = [
    { what: 'one chunk, whole blocks', n: 8192, chunk: 1 << 21 },
    { what: 'one chunk, partial last block', n: 8000, chunk: 1 << 21 },
    { what: 'four chunks', n: 8192, chunk: 2048 },
    { what: 'three chunks, the last partial', n: 5000, chunk: 2048 },
  ];
  for (const name of OPTIMIZER_NAMES) {
    it(name, () => {
      for (const { what, n, chunk } of shapes) {
        for (const wd of [0, 0.01]) {
          const predicted = 4 * composedWorkspaceUnits(name, n, B, chunk);
          const measured = measureComposedStep({ optimizer: name, n, blockSize: B, chunkElements: chunk, weightDecay: wd });
          expect(Math.abs(predicted - measured) / measured, `${what}, weight decay ${wd}: predicted ${predicted}, measured ${measured}`).toBeLessThan(0.1);
        }
      }
    });
  }
});
