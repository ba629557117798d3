import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inspectModelDir } from './inspect.ts';

const fixtures = resolve(import.meta.dirname, '../testdata/models');

describe('inspectModelDir', () => {
  it('describes the tiny RoBERTa from config.json and the weight headers', () => {
    const info = inspectModelDir(join(fixtures, 'tiny-roberta-cls'));
    expect(info).toMatchObject({ modelType: 'roberta', architecture: 'RobertaForSequenceClassification', task: 'classification', numLabels: 3, vocabSize: 300, hiddenSize: 32, numLayers: 2, hasTokenizer: true });
    // max_position_embeddings 66, padding_idx 1: positions 2..65 → 64 tokens
    expect(info.maxInputLength).toBe(64);
    // the file holds float32 tensors: weights are 4 bytes per stored element (extra tensors included)
    expect(info.weightBytes % 4).toBe(0);
  });
  it('leaves the input length of mT5 unbounded (relative positions)', () => {
    const info = inspectModelDir(join(fixtures, 'tiny-mt5'));
    expect(info).toMatchObject({ modelType: 'mt5', task: 'seq2seq', numDecoderLayers: 2, maxInputLength: null });
  });
});

describe('setDropout', () => {
  it('sets every rate of the config and refuses rates outside [0, 1)', async () => {
    const tf = await import('@tensorflow/tfjs-core');
    await import('@tensorflow/tfjs-backend-cpu');
    await tf.setBackend('cpu');
    const { createRandomModel, readModelConfig } = await import('./index.ts');
    const model = createRandomModel(readModelConfig(join(fixtures, 'tiny-roberta-cls')), { architecture: 'RobertaForSequenceClassification', seed: 1 });
    try {
      model.setDropout(0);
      expect(model.config).toMatchObject({ hiddenDropoutProb: 0, attentionProbsDropoutProb: 0, classifierDropout: 0 });
      expect(() => model.setDropout(1)).toThrow(/\[0, 1\)/);
    } finally {
      model.dispose();
    }
  });
});
