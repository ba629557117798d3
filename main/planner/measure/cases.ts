// Tiny and small configs for checking the planner against TensorFlow.js on the cpu backend.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MeasureCase } from './trainStep.ts';

const fixtures = join(import.meta.dirname, '..', '..', '..', 'testdata', 'models');
const fixtureConfig = (name: string) => JSON.parse(readFileSync(join(fixtures, name, 'config.json'), 'utf8')) as Record<string, unknown>;

export const TINY_ROBERTA = fixtureConfig('tiny-roberta-cls');
export const TINY_MT5 = fixtureConfig('tiny-mt5');

/** ~0.6 M parameters: 3 layers, hidden 96, 4 heads, FFN 384, vocab 1000, 3 labels. */
export const SMALL_ROBERTA: Record<string, unknown> = {
  model_type: 'roberta', vocab_size: 1000, hidden_size: 96, num_hidden_layers: 3, num_attention_heads: 4,
  intermediate_size: 384, max_position_embeddings: 130, type_vocab_size: 1, pad_token_id: 1, layer_norm_eps: 1e-5,
  hidden_act: 'gelu', hidden_dropout_prob: 0.1, attention_probs_dropout_prob: 0.1, num_labels: 3,
};

/** ~0.9 M parameters: d_model 96, 4 heads of 16 (inner 64 ≠ d_model), gated FFN 192, 2+2 layers, vocab 1000. */
export const SMALL_MT5: Record<string, unknown> = {
  model_type: 'mt5', vocab_size: 1000, d_model: 96, d_kv: 16, num_heads: 4, d_ff: 192, num_layers: 2, num_decoder_layers: 2,
  relative_attention_num_buckets: 32, relative_attention_max_distance: 128, feed_forward_proj: 'gated-gelu',
  tie_word_embeddings: false, dropout_rate: 0.1, layer_norm_epsilon: 1e-6, pad_token_id: 0, eos_token_id: 1, decoder_start_token_id: 0,
};

/** What the unit test runs (about ten seconds on 2 cores): tiny and small, several batch sizes and lengths. */
export const MEASURE_CASES: MeasureCase[] = [
  { label: 'tiny-roberta b1 s16', config: TINY_ROBERTA, optimizer: 'adamw8bit', batch: 1, seq: 16 },
  { label: 'tiny-roberta b4 s32', config: TINY_ROBERTA, optimizer: 'adamw8bit', batch: 4, seq: 32 },
  { label: 'small-roberta b2 s24', config: SMALL_ROBERTA, optimizer: 'adamw8bit', batch: 2, seq: 24 },
  { label: 'small-roberta b3 s16 adam32bit', config: SMALL_ROBERTA, optimizer: 'adam32bit', batch: 3, seq: 16 },
  { label: 'small-roberta b4 s24 lion8bit frozen-emb', config: SMALL_ROBERTA, optimizer: 'lion8bit', batch: 4, seq: 24, freezeEmbeddings: true },
  { label: 'small-roberta b2 s24 stable-emb', config: SMALL_ROBERTA, optimizer: 'adamw8bit', batch: 2, seq: 24, stableEmbedding: true },
  { label: 'tiny-mt5 b1 s16 t8', config: TINY_MT5, optimizer: 'adamw8bit', batch: 1, seq: 16, target: 8 },
  { label: 'tiny-mt5 b4 s32 t16', config: TINY_MT5, optimizer: 'adamw8bit', batch: 4, seq: 32, target: 16 },
  { label: 'small-mt5 b2 s24 t12', config: SMALL_MT5, optimizer: 'adamw8bit', batch: 2, seq: 24, target: 12 },
  { label: 'small-mt5 b3 s20 t10 adam32bit', config: SMALL_MT5, optimizer: 'adam32bit', batch: 3, seq: 20, target: 10 },
  { label: 'small-mt5 b2 s24 t12 frozen emb+head', config: SMALL_MT5, optimizer: 'adamw8bit', batch: 2, seq: 24, target: 12, freezeEmbeddings: true, freezeLmHead: true },
  { label: 'small-mt5 b2 s16 t8 stable-emb', config: SMALL_MT5, optimizer: 'momentum8bit', batch: 2, seq: 16, target: 8, stableEmbedding: true },
  // The GPU backends' kernel: its temporaries for the largest tensor (the embedding) set the peak here.
  { label: 'tiny-mt5 b1 s8 t4 composed adamw8bit', config: TINY_MT5, optimizer: 'adamw8bit', batch: 1, seq: 8, target: 4, composedKernel: true },
  { label: 'small-roberta b1 s8 composed adam32bit', config: SMALL_ROBERTA, optimizer: 'adam32bit', batch: 1, seq: 8, composedKernel: true },
];

/** More and larger cases for `npm run bench:planner`. */
export const BENCH_CASES: MeasureCase[] = [
  ...MEASURE_CASES,
  { label: 'tiny-roberta b8 s48', config: TINY_ROBERTA, optimizer: 'adamw8bit', batch: 8, seq: 48 },
  { label: 'tiny-mt5 b8 s40 t24', config: TINY_MT5, optimizer: 'adamw8bit', batch: 8, seq: 40, target: 24 },
  { label: 'small-mt5 b4 s32 t16 adam32bit', config: SMALL_MT5, optimizer: 'adam32bit', batch: 4, seq: 32, target: 16 },
  { label: 'small-roberta b8 s64', config: SMALL_ROBERTA, optimizer: 'adamw8bit', batch: 8, seq: 64 },
  { label: 'small-roberta b16 s32 rmsprop8bit', config: SMALL_ROBERTA, optimizer: 'rmsprop8bit', batch: 16, seq: 32 },
  { label: 'small-mt5 b8 s48 t24', config: SMALL_MT5, optimizer: 'adamw8bit', batch: 8, seq: 48, target: 24 },
  { label: 'small-mt5 b4 s64 t32 adagrad8bit', config: SMALL_MT5, optimizer: 'adagrad8bit', batch: 4, seq: 64, target: 32 },
  { label: 'small-mt5 b1 s8 t4 composed adamw8bit', config: SMALL_MT5, optimizer: 'adamw8bit', batch: 1, seq: 8, target: 4, composedKernel: true },
  { label: 'small-mt5 b2 s16 t8 composed lion8bit', config: SMALL_MT5, optimizer: 'lion8bit', batch: 2, seq: 16, target: 8, composedKernel: true },
];
