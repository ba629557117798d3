// The workloads of `npm run bench:train`: a reference RoBERTa classifier with random weights, the tiny
// mT5 fixture (testdata/models/tiny-mt5) at a realistic fine-tuning batch, and (on request) an mT5
// with mt5-small's layer shapes, to tell the architecture's speed from the fixture's size.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Architecture, BatchArrays } from '../../models/index.ts';
import { mt5StepFlops, robertaStepFlops } from './flops.ts';

export interface Workload {
  name: string;
  /** What the table says about it. */
  label: string;
  config: Record<string, unknown>;
  architecture: Architecture;
  batchSize: number;
  /** The batch (rows of ids, labels). */
  batch: BatchArrays;
  flops: number;
}

function ids(rows: number, len: number, vocab: number, seed: number, first: number, last: number): number[][] {
  let s = seed >>> 0;
  const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
  return Array.from({ length: rows }, () => Array.from({ length: len }, (_, j) => (j === 0 && first >= 0 ? first : j === len - 1 ? last : 3 + (next() % (vocab - 3)))));
}

/** RoBERTa: 4 layers, hidden 256, 4 heads, intermediate 1024, roberta-base's vocabulary, 2 labels; batch 8 × 128 tokens. */
export function referenceRoberta(): Workload {
  const [layers, hidden, intermediate, batch, seq, labels, vocab] = [4, 256, 1024, 8, 128, 2, 50265];
  const config = {
    model_type: 'roberta', vocab_size: vocab, hidden_size: hidden, num_hidden_layers: layers, num_attention_heads: 4, intermediate_size: intermediate,
    max_position_embeddings: 514, type_vocab_size: 1, pad_token_id: 1, layer_norm_eps: 1e-5, hidden_act: 'gelu', hidden_dropout_prob: 0.1,
    attention_probs_dropout_prob: 0.1, num_labels: labels,
  };
  const inputIds = ids(batch, seq, vocab, 1, 0, 2);
  return {
    name: 'roberta', label: `RoBERTa ${layers}×${hidden} (heads 4, FFN ${intermediate}, vocab ${vocab}), batch ${batch} × ${seq}`,
    config, architecture: 'RobertaForSequenceClassification', batchSize: batch,
    batch: { inputIds, attentionMask: inputIds.map((r) => r.map(() => 1)), labels: Array.from({ length: batch }, (_, i) => i % labels) },
    flops: robertaStepFlops({ layers, hidden, intermediate, labels, batch, seq }),
  };
}

/** mT5 with mt5-small's layers (d_model 512, 6 heads × 64, gated-GELU FFN 1024), 2+2 of them, T5's 32128-token vocabulary; batch 8, 128 → 32 tokens. */
export function referenceMt5(): Workload {
  const [layers, dModel, heads, dKv, dFf, vocab, batch, source, target] = [2, 512, 6, 64, 1024, 32128, 8, 128, 32];
  const config = {
    model_type: 'mt5', architectures: ['MT5ForConditionalGeneration'], vocab_size: vocab, d_model: dModel, d_kv: dKv, d_ff: dFf, num_heads: heads,
    num_layers: layers, num_decoder_layers: layers, feed_forward_proj: 'gated-gelu', dropout_rate: 0.1, layer_norm_epsilon: 1e-6,
    relative_attention_num_buckets: 32, relative_attention_max_distance: 128, tie_word_embeddings: false, pad_token_id: 0, eos_token_id: 1, decoder_start_token_id: 0,
  };
  const inputIds = ids(batch, source, vocab, 4, -1, 1);
  return {
    name: 'mt5-ref', label: `mT5 ${layers}+${layers} layers × ${dModel} (mt5-small's layers: ${heads} heads × ${dKv}, gated FFN ${dFf}; vocab ${vocab}), batch ${batch} × ${source} → ${target}`,
    config, architecture: 'MT5ForConditionalGeneration', batchSize: batch,
    batch: { inputIds, attentionMask: inputIds.map((r) => r.map(() => 1)), labels: ids(batch, target, vocab, 5, -1, 1) },
    flops: mt5StepFlops({ encoderLayers: layers, decoderLayers: layers, dModel, inner: heads * dKv, dFf, gated: true, vocab, batch, source, target }),
  };
}

/** testdata/models/tiny-mt5 (d_model 32, 4 heads × 8, gated FFN 64, 2+2 layers, vocab 300); batch 32, 128 source / 32 target tokens. */
export function tinyMt5(): Workload {
  const config = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'testdata', 'models', 'tiny-mt5', 'config.json'), 'utf8')) as Record<string, unknown>;
  const [batch, source, target] = [32, 128, 32];
  const num = (k: string) => Number(config[k]);
  const inputIds = ids(batch, source, num('vocab_size'), 2, -1, 1);
  return {
    name: 'mt5', label: `tiny-mt5 fixture (d_model ${num('d_model')}, 2+2 layers, vocab ${num('vocab_size')}), batch ${batch} × ${source} → ${target}`,
    config, architecture: 'MT5ForConditionalGeneration', batchSize: batch,
    batch: { inputIds, attentionMask: inputIds.map((r) => r.map(() => 1)), labels: ids(batch, target, num('vocab_size'), 3, -1, 1) },
    flops: mt5StepFlops({
      encoderLayers: num('num_layers'), decoderLayers: num('num_decoder_layers'), dModel: num('d_model'), inner: num('num_heads') * num('d_kv'),
      dFf: num('d_ff'), gated: String(config.feed_forward_proj).startsWith('gated'), vocab: num('vocab_size'), batch, source, target,
    }),
  };
}
