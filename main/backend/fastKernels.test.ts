// A short training run (the trainer's step: loss with seeded dropout, gradients, optimizer) gives the
// same loss curve and final weights, to float tolerance, with the fast kernels on and off
// (setupBackend(name, { fastKernels }) / OCTET_FAST_KERNELS=0), on cpu and wasm; and selectBackend, which
// the trainer uses, honours OCTET_FAST_KERNELS=0.
//
// What "float tolerance" means for the weights depends on the optimizer. The gradients agree to ~1e-8.
// Momentum is linear in them: weights agree to float rounding. Adam divides each gradient by its own
// running magnitude, so a gradient that is zero up to rounding (e.g. an attention key bias: softmax
// ignores it) moves its weight by up to lr in a direction set by that rounding: weights agree to a
// small fraction of one step. 8-bit state is quantized: a rounding-level difference can move a state
// value to the next code, so a few elements differ by more; the loss curve still agrees.
import * as tf from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { octetKernelProviders } from '../../kernels/register.ts';
import { setupBackend } from '../../kernels/setup.ts';
import { createRandomModel, disposeBatch, parseModelConfig, toBatch, type Architecture, type BatchArrays } from '../../models/index.ts';
import { tensorKernelsNative } from '../../native/tensorKernels.ts';
import { createOptimizer } from '../../optim/index.ts';
import type { OptimizerName } from '../../common/optimizers.ts';
import { selectBackend } from './selectBackend.ts';

const STEPS = 6;

/** Big enough for the native kernels' threaded paths (products over 2^18 multiply-adds, > 64K elements). */
const ROBERTA = {
  model_type: 'roberta', vocab_size: 1000, hidden_size: 96, num_hidden_layers: 2, num_attention_heads: 4, intermediate_size: 384,
  max_position_embeddings: 130, type_vocab_size: 1, pad_token_id: 1, layer_norm_eps: 1e-5, hidden_act: 'gelu', hidden_dropout_prob: 0.1,
  attention_probs_dropout_prob: 0.1, num_labels: 3,
};
const MT5 = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'testdata', 'models', 'tiny-mt5', 'config.json'), 'utf8')) as Record<string, unknown>;

function rows(b: number, len: number, vocab: number, seed: number): number[][] {
  return Array.from({ length: b }, (_, i) => Array.from({ length: len }, (_, j) => 3 + ((seed + i * 31 + j * 17) % (vocab - 3))));
}

const RUNS: { label: string; config: Record<string, unknown>; architecture: Architecture; batch: BatchArrays }[] = [
  {
    label: 'RoBERTa classifier', config: ROBERTA, architecture: 'RobertaForSequenceClassification',
    batch: { inputIds: rows(8, 32, 1000, 1), attentionMask: rows(8, 32, 1000, 1).map((r, i) => r.map((_, j) => (j < 32 - 3 * i ? 1 : 0))), labels: [0, 1, 2, 0, 1, 2, 0, 1] },
  },
  {
    label: 'tiny mT5', config: MT5, architecture: 'MT5ForConditionalGeneration',
    batch: { inputIds: rows(4, 24, 300, 2), attentionMask: rows(4, 24, 300, 2).map((r) => r.map(() => 1)), labels: rows(4, 8, 300, 3) },
  },
];

const LR = 1e-3;

async function train(backend: 'cpu' | 'wasm', fastKernels: boolean, run: (typeof RUNS)[number], name: OptimizerName): Promise<{ losses: number[]; weights: Map<string, Float32Array> }> {
  await setupBackend(backend, { fastKernels });
  const model = createRandomModel(parseModelConfig(run.config), { architecture: run.architecture, seed: 5, scope: `fast-${String(fastKernels)}-${backend}` });
  const optimizer = createOptimizer(name, { learningRate: LR, weightDecay: name.startsWith('adamw') ? 0.01 : 0, min8bitSize: 1024 });
  const batch = toBatch(run.batch);
  const vars = model.trainableVariables();
  const losses: number[] = [];
  try {
    for (let step = 0; step < STEPS; step++) {
      const { value, grads } = tf.variableGrads(() => model.loss(batch, { training: true, seed: 100 + step }), vars);
      optimizer.applyGradients(grads);
      losses.push((await value.data())[0]);
      tf.dispose([value, grads]);
    }
    const weights = new Map([...model.namedParameters()].map(([name, v]) => [name, Float32Array.from(v.dataSync())]));
    return { losses, weights };
  } finally {
    optimizer.dispose();
    disposeBatch(batch);
    model.dispose();
  }
}

afterEach(() => {
  delete process.env.OCTET_FAST_KERNELS;
});

/** Weight tolerance per optimizer (see the top of the file): max |Δw|, and the share of elements allowed beyond it. */
const WEIGHT_TOLERANCE: Record<string, { abs: number; rel: number; share: number }> = {
  momentum32bit: { abs: 1e-7, rel: 1e-5, share: 0 },
  adamw32bit: { abs: 1e-2 * LR, rel: 0, share: 0 },
  adamw8bit: { abs: 1e-2 * LR, rel: 0, share: 0.02 },
};

describe.each(['cpu', 'wasm'] as const)('fast kernels on vs off, %s', (backend) => {
  it.each(RUNS.flatMap((run) => Object.keys(WEIGHT_TOLERANCE).map((opt) => ({ ...run, opt: opt as OptimizerName }))))('$label, $opt: same losses and final weights', async (run) => {
    const fast = await train(backend, true, run, run.opt);
    const fastProviders = octetKernelProviders(backend);
    const slow = await train(backend, false, run, run.opt);
    if (tensorKernelsNative(() => {})) expect(fastProviders.BatchMatMul).toBe(`matmul-${backend}-native`);
    expect(octetKernelProviders(backend).BatchMatMul).not.toMatch(/native/);
    fast.losses.forEach((l, i) => expect(Math.abs(l - slow.losses[i]), `loss at step ${i}: ${l} vs ${slow.losses[i]}`).toBeLessThan(1e-5 * (1 + Math.abs(l))));
    const tol = WEIGHT_TOLERANCE[run.opt];
    let beyond = 0;
    let total = 0;
    for (const [name, w] of fast.weights) {
      const other = slow.weights.get(name)!;
      for (let i = 0; i < w.length; i++) if (Math.abs(w[i] - other[i]) > tol.abs + tol.rel * Math.abs(other[i])) beyond++;
      total += w.length;
    }
    expect(beyond / total, `${beyond} of ${total} weights differ by more than ${tol.abs} + ${tol.rel}·|w|`).toBeLessThanOrEqual(tol.share);
  });
});

it('selectBackend (the trainer) honours OCTET_FAST_KERNELS=0', async () => {
  process.env.OCTET_FAST_KERNELS = '0';
  const off = await selectBackend('wasm');
  expect(off.kernels).toMatch(/fast kernels off/);
  expect(Object.values(octetKernelProviders('wasm')).some((id) => id.includes('native'))).toBe(false);
  delete process.env.OCTET_FAST_KERNELS;
  const on = await selectBackend('wasm');
  if (tensorKernelsNative(() => {})) expect(octetKernelProviders('wasm').BatchMatMul).toBe('matmul-wasm-native');
  expect(on.kernels).not.toMatch(/off/);
});
