import { describe, expect, it } from 'vitest';
import { parseModelConfig, resolveArchitecture } from './index.ts';

const roberta = { model_type: 'roberta', architectures: ['RobertaForSequenceClassification'], vocab_size: 100, hidden_size: 8, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 16, max_position_embeddings: 20, pad_token_id: 1 };
const mt5 = { model_type: 'mt5', vocab_size: 100, d_model: 8, d_kv: 4, d_ff: 16, num_layers: 2, num_heads: 2 };

describe('config normalization', () => {
  it('RoBERTa: layer_norm_eps defaults to 1e-12 (BertConfig) when absent, and reads it when present', () => {
    const c = parseModelConfig(roberta);
    expect(c.modelType === 'roberta' && c.layerNormEps).toBe(1e-12);
    const d = parseModelConfig({ ...roberta, layer_norm_eps: 1e-5 });
    expect(d.modelType === 'roberta' && d.layerNormEps).toBe(1e-5);
  });

  it('RoBERTa: labels from id2label (wins over num_labels), default LABEL_i, problem_type', () => {
    const c = parseModelConfig({ ...roberta, num_labels: 5, id2label: { 0: 'neg', 1: 'pos' }, problem_type: 'single_label_classification' });
    if (c.modelType !== 'roberta') throw new Error('roberta expected');
    expect(c.numLabels).toBe(2);
    expect(c.label2id).toEqual({ neg: 0, pos: 1 });
    expect(c.problemType).toBe('single_label_classification');
    const d = parseModelConfig({ ...roberta, num_labels: 3 });
    expect(d.modelType === 'roberta' && d.id2label).toEqual({ 0: 'LABEL_0', 1: 'LABEL_1', 2: 'LABEL_2' });
    expect(() => parseModelConfig({ ...roberta, hidden_size: 9 })).toThrow(/not a multiple of num_attention_heads/);
    expect(() => parseModelConfig({ ...roberta, position_embedding_type: 'relative_key' })).toThrow(/absolute/);
  });

  it('mT5: layer_norm_epsilon, gated-gelu → gelu_new, num_decoder_layers defaults to num_layers', () => {
    const c = parseModelConfig({ ...mt5, feed_forward_proj: 'gated-gelu', layer_norm_epsilon: 1e-6 });
    if (c.modelType !== 'mt5') throw new Error('mt5 expected');
    expect(c.denseActFn).toBe('gelu_new');
    expect(c.isGatedAct).toBe(true);
    expect(c.layerNormEpsilon).toBe(1e-6);
    expect(c.numDecoderLayers).toBe(2);
    expect(c.tieWordEmbeddings).toBe(false);
    const relu = parseModelConfig({ ...mt5, feed_forward_proj: 'relu' });
    expect(relu.modelType === 'mt5' && [relu.denseActFn, relu.isGatedAct]).toEqual(['relu', false]);
    const silu = parseModelConfig({ ...mt5, feed_forward_proj: 'gated-silu' });
    expect(silu.modelType === 'mt5' && silu.denseActFn).toBe('silu');
    expect(() => parseModelConfig({ ...mt5, feed_forward_proj: 'mixed-gelu' })).toThrow(/feed_forward_proj/);
  });

  it('refuses unknown model types and invalid values, naming the key', () => {
    expect(() => parseModelConfig({ model_type: 'bert' }, 'x/config.json')).toThrow(/x\/config.json: unsupported model_type "bert".*roberta and mt5/);
    expect(() => parseModelConfig({ hidden_size: 3 })).toThrow(/unsupported model_type undefined/);
    expect(() => parseModelConfig({ ...roberta, hidden_size: -8 })).toThrow(/hidden_size/);
  });

  it('resolves the architecture from config.architectures or the request', () => {
    const c = parseModelConfig({ ...roberta, architectures: ['RobertaForMaskedLM'] });
    expect(resolveArchitecture(c)).toBe('RobertaForMaskedLM');
    expect(resolveArchitecture(c, 'RobertaForSequenceClassification')).toBe('RobertaForSequenceClassification');
    expect(() => resolveArchitecture(c, 'MT5ForConditionalGeneration')).toThrow(/not available for model_type roberta/);
    expect(() => resolveArchitecture(parseModelConfig({ ...roberta, architectures: ['RobertaModel'] }))).toThrow(/choose one of/);
  });
});
