// End-to-end behaviour of a training session on the bundled tiny RoBERTa and topics data.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { decodeState } from '../../optim/index.ts';
import { checkpointOptimizerFile } from './checkpointLayout.ts';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classificationConfig, createRun, series, tempEnv, train } from './testing/runInProcess.ts';

describe('training session', () => {
  it('converges with 8-bit and with 32-bit AdamW, and both land within seed noise of each other', async () => {
    const env = tempEnv();
    const finals: Record<string, number> = {};
    for (const name of ['adamw8bit', 'adamw32bit'] as const) {
      const cfg = classificationConfig({ optimizer: { name, lr: 5e-3, blockSize: 64, min8bitSize: 256 }, training: { epochs: 4, batchSize: 32, maxLength: 64, seed: 3 } });
      const id = createRun(env, cfg);
      const { run } = await train(env, id);
      expect(run.status).toBe('completed');
      const loss = series(env, id, 'train/loss').y;
      // the loss falls from ln(3) ≈ 1.10 (chance for 3 balanced classes)
      expect(loss[0]).toBeGreaterThan(0.9);
      expect(loss.slice(-5).reduce((a, b) => a + b, 0) / 5).toBeLessThan(loss.slice(0, 5).reduce((a, b) => a + b, 0) / 5 - 0.2);
      finals[name] = run.finalMetrics.accuracy;
      expect(run.finalMetrics.accuracy).toBeGreaterThan(0.55); // chance is 1/3
      expect(run.checkpoints.length).toBeGreaterThan(0);
      expect(run.measuredPeakBytes).toBeGreaterThan(0);
      expect(run.predictedPeakBytes).toBeGreaterThan(0);
    }
    // 8-bit state changes single steps by quantization noise only: final accuracies agree closely.
    expect(Math.abs(finals.adamw8bit - finals.adamw32bit)).toBeLessThan(0.08);
  }, 240_000);

  it('resumes exactly: the loss curve after a stop and resume equals the uninterrupted run', async () => {
    const env = tempEnv();
    const cfg = classificationConfig({ training: { epochs: 2, batchSize: 32, maxLength: 64, seed: 5, evalEverySteps: 7 } });
    const full = createRun(env, cfg);
    const whole = await train(env, full);
    const part = createRun(env, cfg);
    const first = await train(env, part, { stopAfterStep: 13 });
    expect(first.run.status).toBe('stopped');
    expect(first.run.step).toBe(13);
    const second = await train(env, part, { resume: true });
    expect(second.run.status).toBe('completed');
    const a = series(env, full, 'train/loss');
    const b = series(env, part, 'train/loss');
    expect(b.x).toEqual(a.x);
    for (let i = 0; i < a.y.length; i++) expect(b.y[i]).toBeCloseTo(a.y[i], 5);
    expect(second.run.finalMetrics.accuracy).toBeCloseTo(whole.run.finalMetrics.accuracy, 6);
  }, 240_000);

  it('hands the model\'s optimizer overrides over: a stable embedding keeps 32-bit state under adamw8bit', async () => {
    const env = tempEnv();
    const cfg = classificationConfig({ modelOptions: { stableEmbedding: true }, training: { epochs: 1, batchSize: 32, maxLength: 64, seed: 4 } });
    cfg.dataset.maxRows = 128;
    const { run } = await train(env, createRun(env, cfg));
    expect(run.status).toBe('completed');
    const { snapshot } = decodeState(readFileSync(checkpointOptimizerFile(run.checkpoints.at(-1)!.path)));
    const bits = Object.fromEntries(snapshot.slots.map((s) => [s.name.replace(/^run\d+\//, ''), s.bits]));
    // word embeddings 300 × 32 = 9,600 elements: 8-bit by size (min8bitSize 256), 32-bit by the override
    expect(bits['roberta.embeddings.word_embeddings.weight']).toBe(32);
    // position embeddings 66 × 32 = 2,112 elements, no override: 8-bit
    expect(bits['roberta.embeddings.position_embeddings.weight']).toBe(8);
  }, 120_000);

  it('stops a diverging run with status diverged and keeps the last good checkpoint', async () => {
    const env = tempEnv();
    const file = join(env.dataDir, 'scores.csv');
    const write = (target: (i: number) => number) =>
      writeFileSync(file, `${['text,score', ...Array.from({ length: 64 }, (_, i) => `sample number ${i},${target(i)}`)].join('\n')}\n`);
    write((i) => (i % 5) / 5);
    const cfg = classificationConfig({
      task: 'regression',
      dataset: { train: file, validation: file, columns: { text: 'text', label: 'score' } },
      training: { epochs: 4, batchSize: 16, maxLength: 16, seed: 1 },
    });
    const id = createRun(env, cfg);
    const first = await train(env, id, { stopAfterStep: 3 });
    expect(first.run.status).toBe('stopped');
    // Same rows, but targets near float32's limit: the squared error overflows to Infinity.
    write(() => 3e38);
    const { run } = await train(env, id, { resume: true });
    expect(run.status).toBe('diverged');
    expect(run.error).toMatch(/loss became (NaN|Infinity) at step 4/);
    expect(run.error).toMatch(/last good checkpoint is step 3/);
    expect(run.error).toMatch(/lower learning rate/);
    expect(run.checkpoints.map((c) => c.step)).toEqual([3]);
    expect(existsSync(run.checkpoints[0].path)).toBe(true);
  }, 120_000);
});
