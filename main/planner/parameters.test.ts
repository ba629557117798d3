import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { archFromConfig, loadModelArch } from './modelConfig.ts';
import { countParameters, parameterTensors } from './parameters.ts';

const fixtures = join(import.meta.dirname, '..', '..', 'testdata', 'models');

/** Tensor name → shape from a safetensors header (8-byte little-endian length, then JSON). */
function safetensorsShapes(path: string): Map<string, number[]> {
  const buf = readFileSync(path);
  const len = Number(buf.readBigUInt64LE(0));
  const header = JSON.parse(buf.subarray(8, 8 + len).toString('utf8')) as Record<string, { shape?: number[] }>;
  return new Map(Object.entries(header).filter(([k]) => k !== '__metadata__').map(([k, v]) => [k, v.shape ?? []]));
}

describe('parameter shapes from config.json', () => {
  for (const name of ['tiny-roberta-cls', 'tiny-mt5']) {
    it(`${name}: every tensor the model uses, with the shapes in model.safetensors`, () => {
      const dir = join(fixtures, name);
      const golden = JSON.parse(readFileSync(join(dir, 'golden.json'), 'utf8')) as { weights: { tensors_used_by_model: string[] } };
      const onDisk = safetensorsShapes(join(dir, 'model.safetensors'));
      const expected = new Map(golden.weights.tensors_used_by_model.map((n) => [n, onDisk.get(n)]));
      const ours = new Map(parameterTensors(loadModelArch(dir).arch).map((t) => [t.name, t.shape]));
      expect(new Map([...ours].sort())).toEqual(new Map([...expected].sort()));
    });
  }

  it('roberta-large with a 2-label head: 355,361,794 (hand count)', () => {
    const H = 1024, I = 4096, V = 50265, P = 514;
    const embeddings = V * H + P * H + 1 * H + 2 * H; // word, position, token type, LayerNorm
    const layer = 4 * (H * H + H) + 2 * H + (I * H + I) + (H * I + H) + 2 * H; // q,k,v,o, LN, FFN in/out, LN
    const head = H * H + H + 2 * H + 2; // classifier.dense, classifier.out_proj (no pooler)
    expect(embeddings + 24 * layer + head).toBe(355_361_794);
    expect(countParameters(parameterTensors(loadModelArch('roberta-large').arch, { numLabels: 2 }))).toBe(355_361_794);
  });

  it('roberta-base with a 2-label head: 124,647,170 (hand count)', () => {
    const H = 768, I = 3072;
    const total = 50265 * H + 514 * H + H + 2 * H + 12 * (4 * (H * H + H) + 2 * H + (I * H + I) + (H * I + H) + 2 * H) + H * H + H + 2 * H + 2;
    expect(total).toBe(124_647_170);
    expect(countParameters(parameterTensors(loadModelArch('roberta-base').arch))).toBe(124_647_170);
  });

  it('mt5-base MT5ForConditionalGeneration: 582,401,280 (two untied 250112×768 matrices)', () => {
    const V = 250112, D = 768, inner = 12 * 64, F = 2048;
    const attn = 4 * inner * D;
    const ff = 3 * F * D; // wi_0, wi_1, wo
    const enc = 12 * (attn + ff + 2 * D) + 32 * 12 + D;
    const dec = 12 * (2 * attn + ff + 3 * D) + 32 * 12 + D;
    expect(2 * V * D + enc + dec).toBe(582_401_280);
    expect(countParameters(parameterTensors(loadModelArch('mt5-base').arch))).toBe(582_401_280);
  });

  it('mt5-small: inner dim 6×64 = 384 differs from d_model 512', () => {
    const V = 250112, D = 512, inner = 384, F = 1024;
    const enc = 8 * (4 * inner * D + 3 * F * D + 2 * D) + 32 * 6 + D;
    const dec = 8 * (8 * inner * D + 3 * F * D + 3 * D) + 32 * 6 + D;
    expect(countParameters(parameterTensors(loadModelArch('mt5-small').arch))).toBe(2 * V * D + enc + dec);
    expect(2 * V * D + enc + dec).toBe(300_176_768);
  });

  it('regression head has one output; T5 v1.0 ties lm_head; non-gated FFN has one wi', () => {
    const base = JSON.parse(readFileSync(join(fixtures, 'tiny-mt5', 'config.json'), 'utf8')) as Record<string, unknown>;
    const t5 = parameterTensors(archFromConfig({ ...base, model_type: 't5', tie_word_embeddings: undefined, feed_forward_proj: 'relu' }));
    expect(t5.some((t) => t.name === 'lm_head.weight')).toBe(false);
    expect(t5.filter((t) => t.name.endsWith('DenseReluDense.wi.weight'))).toHaveLength(4);
    const reg = parameterTensors(loadModelArch(join(fixtures, 'tiny-roberta-cls')).arch, { numLabels: 1 });
    expect(reg.find((t) => t.name === 'classifier.out_proj.weight')?.shape).toEqual([1, 32]);
  });

  it('says what is wrong with an unusable config', () => {
    expect(() => archFromConfig({ model_type: 'gpt2' })).toThrow(/model_type "gpt2" is not supported.*allowed: roberta, mt5/);
    expect(() => archFromConfig({ model_type: 'roberta', vocab_size: 10 })).toThrow(/hidden_size/);
    expect(() => loadModelArch('no-such-model')).toThrow(/unknown model "no-such-model".*roberta-base, roberta-large, mt5-small, mt5-base, mt5-large/);
  });
});
