// One training step exactly as the trainer runs it (models/ index.ts: variableGrads over the
// trainable variables, then optimizer.applyGradients), with the physical tensor peak measured by
// trackTensorPeak. Used by the predicted-vs-measured test and by `npm run bench:planner`.
import * as tf from '@tensorflow/tfjs-core';
import type { OptimizerName } from '../../../common/optimizers.ts';
import type { PlanInput } from '../../../common/planner.ts';
import { setupBackend } from '../../../kernels/setup.ts';
import { createRandomModel, parseModelConfig, toBatch, type AnyModel, type Architecture } from '../../../models/index.ts';
import { createOptimizer } from '../../../optim/index.ts';
import { archFromConfig } from '../modelConfig.ts';
import { planForArch } from '../plan.ts';
import { trackTensorPeak, type EngineLike } from '../tensorPeak.ts';

export interface MeasureCase {
  label: string;
  /** A config.json as parsed JSON (tiny/small configs made in tests). */
  config: Record<string, unknown>;
  optimizer: OptimizerName;
  batch: number;
  seq: number;
  target?: number;
  freezeEmbeddings?: boolean;
  freezeLmHead?: boolean;
  stableEmbedding?: boolean;
  blockSize?: number;
  /** Force optim/'s composed kernel (what GPU backends run) instead of the in-place one. */
  composedKernel?: boolean;
}

export interface MeasureResult {
  label: string;
  predicted: number;
  measured: number;
  /** (predicted − measured) / measured */
  error: number;
  /** The optim/ kernel that ran (auto picks an in-place one on cpu). */
  optimizerKernel: string;
  /** Peak of tf.memory().numBytes over the same step: it counts buffers shared by several tensors again. */
  logicalPeak: number;
}

function rows(b: number, len: number, fn: (i: number, j: number) => number): number[][] {
  return Array.from({ length: b }, (_, i) => Array.from({ length: len }, (_, j) => fn(i, j)));
}

function batchFor(model: AnyModel, c: MeasureCase, vocab: number): ReturnType<typeof toBatch> {
  // Row i is padded after L − i tokens so masks and padding paths run as in real batches.
  const len = (i: number) => Math.max(2, c.seq - i);
  if (model.modelType === 'mt5') {
    const T = c.target ?? 8;
    return toBatch({
      inputIds: rows(c.batch, c.seq, (i, j) => (j < len(i) - 1 ? 3 + ((i * 7 + j * 13) % (vocab - 3)) : j === len(i) - 1 ? 1 : 0)),
      attentionMask: rows(c.batch, c.seq, (i, j) => (j < len(i) ? 1 : 0)),
      labels: rows(c.batch, T, (i, j) => (j < T - 1 - (i % 2) ? 3 + ((i * 5 + j * 11) % (vocab - 3)) : j === T - 1 - (i % 2) ? 1 : -100)),
    });
  }
  const labels = Number((model.config as { numLabels?: number }).numLabels ?? 2);
  return toBatch({
    inputIds: rows(c.batch, c.seq, (i, j) => (j === 0 ? 0 : j < len(i) - 1 ? 4 + ((i * 7 + j * 13) % (vocab - 5)) : j === len(i) - 1 ? 2 : 1)),
    attentionMask: rows(c.batch, c.seq, (i, j) => (j < len(i) ? 1 : 0)),
    labels: Array.from({ length: c.batch }, (_, i) => i % labels),
  });
}

/** Builds the model and optimizer, runs two steps (the first creates the optimizer state) and measures the second. */
export async function measureStep(c: MeasureCase): Promise<MeasureResult> {
  await setupBackend('cpu');
  const tracker = trackTensorPeak(tf.engine() as unknown as EngineLike);
  const cfg = parseModelConfig(c.config);
  const architecture: Architecture = cfg.modelType === 'mt5' ? 'MT5ForConditionalGeneration' : 'RobertaForSequenceClassification';
  const model = createRandomModel(cfg, { architecture, seed: 1 });
  try {
    if (c.stableEmbedding) model.useStableEmbedding(2);
    model.freeze({ embeddings: c.freezeEmbeddings ?? false, lmHead: c.freezeLmHead ?? false });
    const opt = createOptimizer(c.optimizer, { learningRate: 1e-4, blockSize: c.blockSize as 2048 | undefined, overrides: model.optimizerOverrides(), kernel: c.composedKernel ? 'composed' : 'auto' });
    const batch = batchFor(model, c, cfg.vocabSize);
    let seed = 1;
    const step = () => {
      // Seeded dropout, as the trainer runs it (with the fast kernels, one fused kernel per dropout).
      const { value, grads } = tf.variableGrads(() => model.loss(batch, { training: true, seed: seed++ }), model.trainableVariables());
      opt.applyGradients(grads);
      tf.dispose([value, grads]);
    };
    try {
      step();
      tracker.resetPeak();
      step();
      const measured = tracker.peak();
      const logicalPeak = tracker.logicalPeak();
      const input: PlanInput = {
        model: c.label,
        optimizer: c.optimizer,
        batchSize: c.batch,
        seqLength: c.seq,
        targetLength: c.target,
        blockSize: c.blockSize,
        freezeEmbeddings: c.freezeEmbeddings,
        freezeLmHead: c.freezeLmHead,
        stableEmbedding: c.stableEmbedding,
        backend: 'cpu',
        optimizerKernel: c.composedKernel ? 'composed' : 'auto',
        gpuBytes: 2 ** 40,
      };
      const predicted = planForArch(archFromConfig(c.config, c.label), input).tensorPeakBytes;
      return { label: c.label, predicted, measured, error: (predicted - measured) / measured, optimizerKernel: opt.kernelName, logicalPeak };
    } finally {
      opt.dispose();
      tf.dispose(Object.values(batch).filter((t): t is tf.Tensor => t instanceof tf.Tensor));
    }
  } finally {
    model.dispose();
    tracker.stop();
  }
}
