// The public config.json files build, and their parameter counts equal what `transformers` reports
// (model.num_parameters()), derived here by hand from the config formulas.
import * as tf from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../../kernels/setup.ts';
import { parseModelConfig, type Architecture, type MT5Config, type RobertaConfig } from '../config/index.ts';
import { buildModel, specsFor } from '../factory.ts';
import { countParameters, numel } from '../params/spec.ts';

const dir = import.meta.dirname;
const read = (name: string) => parseModelConfig(JSON.parse(readFileSync(join(dir, name), 'utf8')), name);

/**
 * RoBERTa by hand (biases included, hidden H, intermediate I, vocab V, positions P, types T, layers L):
 *   embeddings   V·H + P·H + T·H + 2H                      (word, position, token type, LayerNorm)
 *   per layer    4(H² + H)                                  (query, key, value, attention output dense)
 *              + 2H                                         (attention LayerNorm)
 *              + (I·H + I) + (H·I + H) + 2H                 (intermediate, output dense, output LayerNorm)
 *   classifier   (H² + H) + (N·H + N)                       (dense, out_proj; no pooler)
 *   masked LM    (H² + H) + 2H + V                          (dense, layer_norm, bias; decoder tied)
 */
function robertaByHand(c: RobertaConfig, arch: Architecture): number {
  const { hiddenSize: H, intermediateSize: I, vocabSize: V, maxPositionEmbeddings: P, typeVocabSize: T, numHiddenLayers: L } = c;
  const embeddings = V * H + P * H + T * H + 2 * H;
  const layer = 4 * (H * H + H) + 2 * H + (I * H + I) + (H * I + H) + 2 * H;
  const head = arch === 'RobertaForSequenceClassification' ? H * H + H + c.numLabels * H + c.numLabels : H * H + H + 2 * H + V;
  return embeddings + L * layer + head;
}

/**
 * mT5 by hand (d_model d, inner = heads·d_kv, d_ff F, vocab V, buckets B, heads h):
 *   shared V·d, lm_head V·d (untied)
 *   encoder layer  4·d·inner + d + 3·F·d + d      (q k v o, norm, wi_0 wi_1 wo, norm) ; + B·h bias + d final norm
 *   decoder layer  8·d·inner + 3d + 3·F·d         (self q k v o, cross q k v o, 3 norms, FF) ; + B·h + d
 */
function mt5ByHand(c: MT5Config): number {
  const d = c.dModel;
  const inner = c.numHeads * c.dKv;
  const ff = (c.isGatedAct ? 3 : 2) * c.dFf * d;
  const enc = c.numLayers * (4 * d * inner + d + ff + d) + c.relativeAttentionNumBuckets * c.numHeads + d;
  const dec = c.numDecoderLayers * (8 * d * inner + 3 * d + ff) + c.relativeAttentionNumBuckets * c.numHeads + d;
  return c.vocabSize * d * (c.tieWordEmbeddings ? 1 : 2) + enc + dec;
}

// What transformers' num_parameters() prints for these classes (HF model cards / training logs).
const cases: [file: string, arch: Architecture, numLabels: number | null, transformers: number][] = [
  ['roberta-large.json', 'RobertaForSequenceClassification', 2, 355_361_794],
  ['roberta-large.json', 'RobertaForMaskedLM', null, 355_412_057],
  ['roberta-base.json', 'RobertaForSequenceClassification', 2, 124_647_170],
  ['mt5-small.json', 'MT5ForConditionalGeneration', null, 300_176_768],
  ['mt5-base.json', 'MT5ForConditionalGeneration', null, 582_401_280],
  ['mt5-large.json', 'MT5ForConditionalGeneration', null, 1_229_581_312],
];

describe('public configs', () => {
  beforeAll(async () => {
    await setupBackend('cpu');
  });

  it.each(cases)('%s as %s has the transformers parameter count', (file, arch, numLabels, expected) => {
    let config = read(file);
    if (config.modelType === 'roberta' && numLabels !== null) config = { ...config, numLabels };
    const byHand = config.modelType === 'roberta' ? robertaByHand(config, arch) : mt5ByHand(config);
    expect(byHand).toBe(expected);
    expect(countParameters(specsFor(config, arch)).total).toBe(expected);
  });

  it.each([cases[0], cases[4]])('%s builds as %s (lazily, untouched zero pages) with every parameter', (file, arch, numLabels, expected) => {
    let config = read(file);
    if (config.modelType === 'roberta' && numLabels !== null) config = { ...config, numLabels };
    // Zero-filled arrays are handed to the cpu backend without a copy, so the OS never backs the pages.
    const model = buildModel(config, arch, { scope: `configs-test-${file}`, source: (spec) => new Float32Array(numel(spec.shape)) });
    try {
      expect(model.parameterCounts().total).toBe(expected);
      let sum = 0;
      for (const v of model.namedParameters().values()) sum += v.size;
      expect(sum).toBe(expected);
      expect(model.namedParameters().size).toBe(specsFor(config, arch).length);
      expect(tf.memory().numBytes).toBeGreaterThanOrEqual(expected * 4);
    } finally {
      model.dispose();
    }
  });

  it('mt5-small keeps inner_dim 384 ≠ d_model 512 and real configs lack relative_attention_max_distance (default 128)', () => {
    const c = read('mt5-small.json') as MT5Config;
    expect(c.numHeads * c.dKv).toBe(384);
    expect(c.relativeAttentionMaxDistance).toBe(128);
    expect(c.denseActFn).toBe('gelu_new');
  });
});
