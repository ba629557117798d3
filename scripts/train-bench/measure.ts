// Timing of one configuration: the backend's plain matrix product, and training steps
// (forward + backward + optimizer) of a workload, on whatever backend and kernels are active.
import * as tf from '@tensorflow/tfjs-core';
import { createRandomModel, disposeBatch, parseModelConfig, toBatch } from '../../models/index.ts';
import { createOptimizer } from '../../optim/index.ts';
import type { Workload } from './workloads.ts';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** GFLOP/s of tf.matMul on two 1024×1024 matrices (best of several), result read back. */
export async function plainMatMulGflops(size = 1024, budgetMs = 1500): Promise<number> {
  const a = tf.randomNormal([size, size]);
  const b = tf.randomNormal([size, size]);
  let best = Infinity;
  const start = performance.now();
  for (let i = 0; i < 20 && (i < 3 || performance.now() - start < budgetMs); i++) {
    const t = performance.now();
    const c = tf.matMul(a, b);
    await c.data();
    best = Math.min(best, performance.now() - t);
    c.dispose();
  }
  tf.dispose([a, b]);
  return (2 * size ** 3) / best / 1e6;
}

export interface StepTiming {
  /** Median wall time of a timed step, ms. */
  ms: number;
  steps: number;
  /** Loss of the first step (a sanity check that every configuration trains the same model). */
  firstLoss: number;
  /** Mean time of the optimizer's update (applyGradients) in a timed step, ms (single-process timing only). */
  optimizerMs?: number;
}

/** Builds the workload's model (random weights, seed 1) and adamw8bit, runs warm-up steps, then times steps until `budgetMs`. */
export interface TimeStepsOptions {
  warmup?: number;
  minSteps?: number;
  maxSteps?: number;
  budgetMs?: number;
  /** Called right before and right after each timed step (not the warm-up ones). */
  onTimedStep?: (phase: 'start' | 'end') => void;
}

export async function timeSteps(w: Workload, opts: TimeStepsOptions = {}): Promise<StepTiming> {
  const model = createRandomModel(parseModelConfig(w.config), { architecture: w.architecture, seed: 1 });
  const optimizer = createOptimizer('adamw8bit', { learningRate: 1e-4, weightDecay: 0.01 });
  const batch = toBatch(w.batch);
  const vars = model.trainableVariables();
  let step = 0;
  let optimizerMs = 0;
  const run = async (): Promise<number> => {
    const { value, grads } = tf.variableGrads(() => model.loss(batch, { training: true, seed: 1000 + step++ }), vars);
    const t = performance.now();
    optimizer.applyGradients(grads);
    optimizerMs += performance.now() - t;
    const loss = (await value.data())[0];
    tf.dispose([value, grads]);
    return loss;
  };
  try {
    const t0 = performance.now();
    const firstLoss = await run();
    // A configuration whose first step outlasts the budget is timed on one step after that warm-up.
    const slow = performance.now() - t0 > (opts.budgetMs ?? 4000);
    if (slow) opts = { ...opts, minSteps: 1, maxSteps: 1 };
    for (let i = 1; i < (slow ? 1 : (opts.warmup ?? 2)); i++) await run();
    const times: number[] = [];
    optimizerMs = 0;
    const start = performance.now();
    while (times.length < (opts.maxSteps ?? 15) && (times.length < (opts.minSteps ?? 5) || performance.now() - start < (opts.budgetMs ?? 4000))) {
      opts.onTimedStep?.('start');
      const t = performance.now();
      await run();
      times.push(performance.now() - t);
      opts.onTimedStep?.('end');
    }
    return { ms: median(times), steps: times.length, firstLoss, optimizerMs: optimizerMs / times.length };
  } finally {
    optimizer.dispose();
    disposeBatch(batch);
    model.dispose();
  }
}
