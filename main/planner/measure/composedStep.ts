// One step of optim's composed kernel on the current backend, measured: the peak of distinct tensor
// buffers beyond the parameter, gradient and state (trackTensorPeak), for checking the planner's model
// of its workspace (main/planner/workspace.ts). The chunk size is a parameter so that tests and the
// bench can cut small tensors into several chunks.
import * as tf from '@tensorflow/tfjs-core';
import { parseOptimizerName, type OptimizerName } from '../../../common/optimizers.ts';
import { ALGORITHMS, stepScalars } from '../../../optim/algorithms.ts';
import { makeComposedKernel } from '../../../optim/kernel/composed.ts';
import type { SlotTensors } from '../../../optim/kernel/types.ts';
import { numBlocks, packedLength } from '../../../optim/quantize.ts';
import { trackTensorPeak, type EngineLike } from '../tensorPeak.ts';

export interface ComposedMeasure {
  optimizer: OptimizerName;
  n: number;
  blockSize: number;
  chunkElements: number;
  weightDecay: number;
}

/** Bytes held beyond the tensors that exist before the step, at the peak of the second step (the first makes the state). */
export function measureComposedStep(c: ComposedMeasure): number {
  const { algorithm, bits } = parseOptimizerName(c.optimizer);
  const alg = ALGORITHMS[algorithm];
  const two = alg.rule === 'adam';
  const { n, blockSize: B } = c;
  const kernel = makeComposedKernel(c.chunkElements);
  const tracker = trackTensorPeak(tf.engine() as unknown as EngineLike);
  const v = tf.variable(tf.randomNormal([n], 0, 0.1, 'float32', 1), true, `measure-composed/${c.optimizer}/${n}/${c.chunkElements}/${c.weightDecay}/${Math.random()}`);
  const g = tf.randomNormal([n], 0, 0.01, 'float32', 2);
  const slot: SlotTensors = bits === 8
    ? { bits, n, s1: tf.zeros([packedLength(n)], 'int32'), a1: tf.zeros([numBlocks(n, B)]), s2: two ? tf.zeros([packedLength(n)], 'int32') : undefined, a2: two ? tf.zeros([numBlocks(n, B)]) : undefined }
    : { bits, n, s1: tf.zeros([n]), s2: two ? tf.zeros([n]) : undefined };
  const hyper = { ...alg.defaults, weightDecay: c.weightDecay };
  try {
    kernel.apply(v, g, slot, stepScalars(alg.rule, hyper, 1), B);
    const base = tracker.current();
    tracker.resetPeak();
    kernel.apply(v, g, slot, stepScalars(alg.rule, hyper, 2), B);
    if (tracker.current() !== base) throw new Error(`composed ${c.optimizer} step left ${tracker.current() - base} bytes behind`);
    return tracker.peak() - base;
  } finally {
    tracker.stop();
    tf.dispose([v, g, slot.s1, slot.a1, slot.s2, slot.a2].filter((t): t is tf.Tensor => t !== undefined));
  }
}
