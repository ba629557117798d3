// What the trainer relies on: gradients of every model on both CPU backends, freezing, counts,
// optimizer overrides, the stable embedding, every loss rule, beam search and dropout.
import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../kernels/setup.ts';
import { disposeBatch, toBatch } from './batch.ts';
import { readModelConfig, type RobertaConfig } from './config/index.ts';
import { createRandomModel, type AnyModel } from './factory.ts';
import { readGolden } from './golden/check.ts';
import { loadPretrained } from './load.ts';
import type { Batch } from './model.ts';
import type { MT5ForConditionalGeneration } from './mt5/conditionalGeneration.ts';
import { robertaWordEmbeddings } from './roberta/body.ts';
import type { RobertaForSequenceClassification } from './roberta/sequenceClassification.ts';
import { savePretrained } from './save.ts';

const fixtures = join(import.meta.dirname, '..', 'testdata', 'models');
const ROBERTA = join(fixtures, 'tiny-roberta-cls');
const MT5 = join(fixtures, 'tiny-mt5');
const tmp = mkdtempSync(join(tmpdir(), 'octet-model-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const robertaConfig = () => readModelConfig(ROBERTA) as RobertaConfig;

function goldenBatch(dir: string, labels?: number[] | number[][], dtype: 'int32' | 'float32' = 'int32'): Batch {
  const g = readGolden(dir);
  return toBatch({ inputIds: g.inputs.input_ids, attentionMask: g.inputs.attention_mask, labels: labels ?? g.inputs.labels, labelsDtype: dtype });
}

function mlmLabels(ids: number[][]): number[][] {
  // Every third real token is a target; the rest (and padding) are ignored with -100.
  return ids.map((row) => row.map((id, j) => (id !== 1 && j % 3 === 1 ? id : -100)));
}

async function gradsOf(model: AnyModel, batch: Batch): Promise<Map<string, Float32Array>> {
  const vars = model.trainableVariables();
  const { value, grads } = tf.variableGrads(() => model.loss(batch), vars);
  const out = new Map<string, Float32Array>();
  for (const [name, v] of model.namedParameters()) if (grads[v.name]) out.set(name, (await grads[v.name].data()) as Float32Array);
  tf.dispose([value, grads]);
  return out;
}

describe.each(['cpu', 'wasm'] as const)('training on %s', (backend) => {
  it('gradients of every model reach every trainable parameter, finite', async () => {
    await setupBackend(backend);
    const cases: [AnyModel, Batch][] = [];
    cases.push([loadPretrained(ROBERTA).model, goldenBatch(ROBERTA)]);
    cases.push([loadPretrained(MT5).model, goldenBatch(MT5)]);
    const g = readGolden(ROBERTA);
    cases.push([createRandomModel(robertaConfig(), { architecture: 'RobertaForMaskedLM', seed: 1 }), goldenBatch(ROBERTA, mlmLabels(g.inputs.input_ids))]);
    for (const [model, batch] of cases) {
      const grads = await gradsOf(model, batch);
      expect([...grads.keys()].sort()).toEqual([...model.namedParameters().keys()].sort());
      for (const [name, grad] of grads) {
        expect(grad.length, name).toBe(model.parameter(name).size);
        expect(grad.every(Number.isFinite), name).toBe(true);
        expect(grad.some((x) => x !== 0), `${name} has an all-zero gradient`).toBe(true);
      }
      model.dispose();
      disposeBatch(batch);
    }
  });

  it('the padding rows of RoBERTa word/position embeddings get zero gradient (nn.Embedding padding_idx)', async () => {
    await setupBackend(backend);
    const { model } = loadPretrained(ROBERTA);
    // Left padding makes the pad rows matter to the loss; torch still gives them no gradient.
    const batch = toBatch({ inputIds: [[1, 1, 0, 50, 60, 2]], attentionMask: [[1, 1, 1, 1, 1, 1]], labels: [1] });
    const grads = await gradsOf(model, batch);
    const pad = model.config.padTokenId;
    const rowOf = (name: string) => grads.get(name)!.subarray(pad * 32, (pad + 1) * 32);
    expect(rowOf('roberta.embeddings.word_embeddings.weight').every((x) => x === 0)).toBe(true);
    expect(rowOf('roberta.embeddings.position_embeddings.weight').every((x) => x === 0)).toBe(true);
    expect(grads.get('roberta.embeddings.word_embeddings.weight')!.subarray(50 * 32, 51 * 32).some((x) => x !== 0)).toBe(true);
    model.dispose();
    disposeBatch(batch);
  });
});

describe('trainer options', () => {
  it('freezes embeddings and/or lm_head: trainable list, variable flags, counts by group', async () => {
    await setupBackend('cpu');
    const { model } = loadPretrained(MT5);
    const counts = model.parameterCounts();
    expect(counts.byGroup.embeddings + counts.byGroup.encoder + counts.byGroup.decoder + counts.byGroup.head).toBe(counts.total);
    expect(counts.byGroup.embeddings).toBe(300 * 32);
    expect(counts.byGroup.head).toBe(300 * 32);
    expect(counts.trainable).toBe(counts.total);
    model.freeze({ embeddings: true, lmHead: true });
    const names = model.trainableVariables().map((v) => v.name);
    expect(names).not.toContain(model.parameter('shared.weight').name);
    expect(names).not.toContain(model.parameter('lm_head.weight').name);
    expect(model.parameter('shared.weight').trainable).toBe(false);
    expect(model.parameterCounts().trainable).toBe(counts.total - 2 * 300 * 32);
    model.freeze({ embeddings: false });
    expect(model.parameter('shared.weight').trainable).toBe(true);
    expect(model.parameterCounts().trainable).toBe(counts.total - 300 * 32);
    model.dispose();

    const mlm = createRandomModel(robertaConfig(), { architecture: 'RobertaForMaskedLM' });
    mlm.freeze({ lmHead: true });
    const frozen = [...mlm.namedParameters().keys()].filter((n) => !mlm.isTrainable(n));
    expect(frozen.sort()).toEqual(['lm_head.bias', 'lm_head.dense.bias', 'lm_head.dense.weight', 'lm_head.layer_norm.bias', 'lm_head.layer_norm.weight']);
    mlm.freeze({ embeddings: true });
    expect(mlm.isTrainable('roberta.embeddings.LayerNorm.weight')).toBe(false);
    expect(mlm.parameter('lm_head.decoder.weight')).toBe(mlm.parameter('roberta.embeddings.word_embeddings.weight'));
    mlm.dispose();
  });

  it('stable embedding: Xavier-uniform, zero padding row, fp32 LayerNorm, 32-bit optimizer override, survives save/load', async () => {
    await setupBackend('cpu');
    const { model, tokenizer } = loadPretrained(ROBERTA);
    expect(model.optimizerOverrides()).toEqual([]);
    model.useStableEmbedding(7);
    const w = model.parameter('roberta.embeddings.word_embeddings.weight');
    const values = (await w.data()) as Float32Array;
    const bound = Math.sqrt(6 / (300 + 32));
    expect(values.every((x) => Math.abs(x) <= bound)).toBe(true);
    expect(Math.max(...values.map(Math.abs))).toBeGreaterThan(0.9 * bound);
    expect(values.subarray(32, 64).every((x) => x === 0)).toBe(true); // padding_idx 1
    expect(Array.from(await model.parameter('roberta.embeddings.word_embeddings.norm.weight').data())).toEqual(new Array(32).fill(1));
    expect(model.optimizerOverrides()).toEqual([{ variableName: w.name, stateBits: 32, reason: expect.stringContaining('stable embedding') }]);
    // The LayerNorm runs on the looked-up vectors: with weight 1 and bias 0 each one has mean 0 and
    // variance v/(v + 1e-5) ≈ 0.998 (v ≈ bound²/3 ≈ 0.006 for Xavier-uniform rows).
    const { mean, variance } = tf.tidy(() => tf.moments(robertaWordEmbeddings(model.params, model.config as RobertaConfig, tf.tensor2d([[5, 9]], [1, 2], 'int32')), -1));
    for (const m of await mean.data()) expect(Math.abs(m)).toBeLessThan(1e-6);
    for (const v of await variance.data()) expect(v).toBeCloseTo(1, 2);
    tf.dispose([mean, variance]);
    model.freeze({ embeddings: true });
    expect(model.optimizerOverrides()).toEqual([]);
    model.freeze({ embeddings: false });
    const batch = goldenBatch(ROBERTA);
    const grads = await gradsOf(model, batch);
    expect(grads.get('roberta.embeddings.word_embeddings.weight')!.subarray(32, 64).every((x) => x === 0)).toBe(true);
    expect(grads.get('roberta.embeddings.word_embeddings.norm.weight')!.some((x) => x !== 0)).toBe(true);
    const dir = join(tmp, 'stable');
    await savePretrained(model, dir, { tokenizer });
    const again = loadPretrained(dir);
    expect(again.model.config.stableEmbedding).toBe(true);
    const [a, b] = tf.tidy(() => [model.forward(batch), again.model.forward(batch)]);
    expect(await b.data()).toEqual(await a.data());
    tf.dispose([a, b]);
    again.model.dispose();
    model.dispose();
    disposeBatch(batch);

    const fresh = loadPretrained(MT5, { stableEmbedding: true });
    expect(fresh.report.initialized).toEqual(['shared.norm.bias', 'shared.norm.weight', 'shared.weight']);
    expect(fresh.report.ignored).toEqual(['shared.weight']);
    expect(fresh.model.optimizerOverrides()).toHaveLength(1);
    fresh.model.dispose();
  });

  it('loss rules: CE for integer labels, MSE for one label, BCE for float labels with several, problem_type wins', async () => {
    await setupBackend('cpu');
    const base = robertaConfig();
    const g = readGolden(ROBERTA);
    const check = async (model: AnyModel, labels: number[] | number[][], dtype: 'int32' | 'float32', byHand: (logits: number[][]) => number) => {
      const batch = goldenBatch(ROBERTA, labels, dtype);
      const logits = tf.tidy(() => model.forward(batch));
      const loss = tf.tidy(() => model.loss(batch));
      expect((await loss.data())[0]).toBeCloseTo(byHand((await logits.array()) as number[][]), 5);
      tf.dispose([logits, loss]);
      disposeBatch(batch);
      model.dispose();
    };
    const regression = createRandomModel({ ...base, numLabels: 1, id2label: { 0: 'LABEL_0' }, label2id: { LABEL_0: 0 } }, { architecture: 'RobertaForSequenceClassification', seed: 2 });
    expect((regression as RobertaForSequenceClassification).problemType()).toBe('regression');
    const targets = [0.5, -1.25, 2];
    await check(regression, targets, 'float32', (l) => l.reduce((s, r, i) => s + (r[0] - targets[i]) ** 2, 0) / 3);
    const multi = createRandomModel(base, { architecture: 'RobertaForSequenceClassification', seed: 3 });
    const y = [[1, 0, 1], [0, 0, 1], [1, 1, 0]];
    const bce = (x: number, t: number) => Math.max(x, 0) - x * t + Math.log1p(Math.exp(-Math.abs(x)));
    await check(multi, y, 'float32', (l) => l.flatMap((r, i) => r.map((x, j) => bce(x, y[i][j]))).reduce((a, b) => a + b) / 9);
    const ce = createRandomModel(base, { architecture: 'RobertaForSequenceClassification', seed: 4 });
    const cls = g.inputs.labels as number[];
    const lse = (r: number[]) => Math.log(r.reduce((s, x) => s + Math.exp(x), 0));
    await check(ce, cls, 'int32', (l) => l.reduce((s, r, i) => s + lse(r) - r[cls[i]], 0) / 3);
    const forced = createRandomModel({ ...base, problemType: 'regression' }, { architecture: 'RobertaForSequenceClassification', seed: 5 });
    const t2 = [[0.1, 0.2, 0.3], [1, 2, 3], [-1, 0, 1]];
    await check(forced, t2, 'float32', (l) => l.flatMap((r, i) => r.map((x, j) => (x - t2[i][j]) ** 2)).reduce((a, b) => a + b) / 9);
    const mlm = createRandomModel(base, { architecture: 'RobertaForMaskedLM', seed: 6 });
    const labels = mlmLabels(g.inputs.input_ids);
    const batch = goldenBatch(ROBERTA, labels);
    const logits = (await tf.tidy(() => mlm.forward(batch)).array()) as number[][][];
    let sum = 0;
    let n = 0;
    labels.forEach((row, i) => row.forEach((t, j) => {
      if (t === -100) return;
      sum += lse(logits[i][j]) - logits[i][j][t];
      n++;
    }));
    const loss = tf.tidy(() => mlm.loss(batch));
    expect((await loss.data())[0]).toBeCloseTo(sum / n, 5);
    tf.dispose(loss);
    disposeBatch(batch);
    mlm.dispose();
  });

  it('beam search returns HF-scored hypotheses; one beam is greedy', async () => {
    await setupBackend('wasm');
    const { model } = loadPretrained(MT5);
    const mt5 = model as MT5ForConditionalGeneration;
    const batch = goldenBatch(MT5);
    const greedy = await mt5.generate(batch.inputIds, batch.attentionMask, { maxNewTokens: 6 });
    const oneBeam = await mt5.generate(batch.inputIds, batch.attentionMask, { maxNewTokens: 6, numBeams: 1 });
    expect(oneBeam.map((r) => r.sequence)).toEqual(greedy.map((r) => r.sequence));
    // A greedy score is the sum of its tokens' log-probabilities, as teacher forcing gives them.
    for (const [i, r] of greedy.entries()) {
      const labels = [r.newTokens];
      const single = toBatch({ inputIds: [(await batch.inputIds.array())[i]], attentionMask: [(await batch.attentionMask!.array())[i]], labels });
      const logits = (await tf.tidy(() => tf.logSoftmax(mt5.forward(single), -1)).array()) as number[][][];
      expect(r.score).toBeCloseTo(labels[0].reduce((s, t, j) => s + logits[0][j][t], 0), 4);
      disposeBatch(single);
    }
    const beams = await mt5.generate(batch.inputIds, batch.attentionMask, { maxNewTokens: 6, numBeams: 4 });
    for (const [i, r] of beams.entries()) {
      expect(r.sequence[0]).toBe(0);
      expect(r.sequence.length).toBeLessThanOrEqual(7);
      // Recompute the score by teacher forcing: sum of log-probs of the generated tokens / their count.
      const ids = r.sequence;
      const labels = [ids.slice(1)];
      const single = toBatch({ inputIds: [(await batch.inputIds.array())[i]], attentionMask: [(await batch.attentionMask!.array())[i]], labels });
      const logits = (await tf.tidy(() => tf.logSoftmax(mt5.forward(single), -1)).array()) as number[][][];
      const sum = labels[0].reduce((s, t, j) => s + logits[0][j][t], 0);
      expect(r.score).toBeCloseTo(sum / labels[0].length, 4);
      // The beam never scores below the greedy sequence under the same length-normalized measure.
      expect(r.score).toBeGreaterThanOrEqual(greedy[i].score / greedy[i].newTokens.length - 1e-5);
      disposeBatch(single);
    }
    model.dispose();
    disposeBatch(batch);
  });

  it.each(['cpu', 'wasm'] as const)('decoding from cached keys and values gives the tokens and logits of recomputing every prefix (%s)', async (backend) => {
    await setupBackend(backend);
    const { model } = loadPretrained(MT5);
    const mt5 = model as MT5ForConditionalGeneration;
    const batch = goldenBatch(MT5);
    const before = tf.memory().numTensors;
    for (const numBeams of [1, 3]) {
      const cached = await mt5.generate(batch.inputIds, batch.attentionMask, { maxNewTokens: 12, numBeams });
      const full = await mt5.generate(batch.inputIds, batch.attentionMask, { maxNewTokens: 12, numBeams, useCache: false });
      expect(cached.map((r) => r.sequence)).toEqual(full.map((r) => r.sequence));
      cached.forEach((r, i) => {
        expect(r.score).toBeCloseTo(full[i].score, 4);
        r.tokenLogits.forEach((l, j) => expect(l).toBeCloseTo(full[i].tokenLogits[j], 4));
      });
      // Twelve tokens without an early stop for some row: the cache grew past the first steps.
      expect(Math.max(...cached.map((r) => r.newTokens.length))).toBeGreaterThan(3);
    }
    expect(tf.memory().numTensors, 'generation leaves no tensors behind').toBe(before);
    model.dispose();
    disposeBatch(batch);
  });

  it('mT5 variants: num_heads·d_kv ≠ d_model, plain ReLU FFN, tied embeddings — train, generate, save and reload', async () => {
    await setupBackend('wasm');
    const base = readModelConfig(MT5);
    if (base.modelType !== 'mt5') throw new Error('mt5 expected');
    const variants = [
      { ...base, numHeads: 3, dKv: 6 }, // inner 18 vs d_model 32
      { ...base, isGatedAct: false, denseActFn: 'relu' as const, feedForwardProj: 'relu', tieWordEmbeddings: true },
    ];
    for (const [i, config] of variants.entries()) {
      const model = createRandomModel(config, { architecture: 'MT5ForConditionalGeneration', seed: 10 + i });
      if (i === 0) expect(model.parameter('encoder.block.0.layer.0.SelfAttention.o.weight').shape).toEqual([32, 18]);
      if (i === 1) expect(model.namedParameters().has('lm_head.weight')).toBe(false);
      const batch = goldenBatch(MT5);
      const grads = await gradsOf(model, batch);
      expect([...grads.values()].every((g) => g.every(Number.isFinite))).toBe(true);
      const dir = join(tmp, `mt5-variant-${i}`);
      await savePretrained(model, dir);
      const again = loadPretrained(dir, { tokenizer: false });
      const [a, b] = tf.tidy(() => [model.forward(batch), again.model.forward(batch)]);
      expect(await b.data()).toEqual(await a.data());
      const gen = await (again.model as MT5ForConditionalGeneration).generate(batch.inputIds, batch.attentionMask, { maxNewTokens: 3 });
      expect(gen).toHaveLength(3);
      tf.dispose([a, b]);
      again.model.dispose();
      model.dispose();
      disposeBatch(batch);
    }
  });

  it('dropout only in training mode; eval mode is deterministic; instances get distinct variable scopes', async () => {
    await setupBackend('cpu');
    const a = loadPretrained(ROBERTA);
    const b = loadPretrained(ROBERTA);
    expect(a.model.scope).not.toBe(b.model.scope);
    expect(a.model.parameter('classifier.dense.weight').name).toBe(`${a.model.scope}/classifier.dense.weight`);
    const batch = goldenBatch(ROBERTA);
    const [e1, e2, t1, t2] = tf.tidy(() => [a.model.forward(batch), a.model.forward(batch), a.model.forward(batch, { training: true }), a.model.forward(batch, { training: true })]);
    expect(await e2.data()).toEqual(await e1.data());
    expect(await t1.data()).not.toEqual(await e1.data());
    expect(await t2.data()).not.toEqual(await t1.data());
    tf.dispose([e1, e2, t1, t2]);
    const before = tf.memory().numTensors;
    const count = b.model.namedParameters().size;
    b.model.dispose();
    expect(tf.memory().numTensors).toBe(before - count);
    a.model.dispose();
    disposeBatch(batch);
  });
});
