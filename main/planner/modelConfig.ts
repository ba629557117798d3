// Reads a Hugging Face config.json into the few numbers the planner needs, per architecture.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { resolveConfigPath } from './knownModels.ts';

export interface RobertaArch {
  modelType: 'roberta';
  vocabSize: number;
  hidden: number;
  layers: number;
  heads: number;
  intermediate: number;
  maxPositions: number;
  typeVocab: number;
  /** Labels of the classification head (from id2label / num_labels), null when the config has none. */
  numLabels: number | null;
  /** RoBERTa positions start after padding_idx: the longest input is max_position_embeddings − pad − 1. */
  maxInputLength: number;
  /** Dropout rates (hidden/attention/classifier); each dropout costs buffers when training. */
  hiddenDropout: number;
  attentionDropout: number;
  classifierDropout: number;
}

export interface Mt5Arch {
  modelType: 'mt5';
  vocabSize: number;
  dModel: number;
  dKv: number;
  heads: number;
  dFF: number;
  encoderLayers: number;
  decoderLayers: number;
  numBuckets: number;
  gated: boolean;
  /** The FFN activation (gelu_new for mT5's gated-gelu, relu for T5 v1.0). */
  ffActivation: string;
  tiedEmbeddings: boolean;
  dropout: number;
}

export type ModelArch = RobertaArch | Mt5Arch;

const ROBERTA_TYPES = ['roberta', 'xlm-roberta', 'bert'] as const;
const T5_TYPES = ['mt5', 't5', 'umt5'] as const;
const isOneOf = <T extends string>(types: readonly T[], v: unknown): v is T => (types as readonly unknown[]).includes(v);
/** Schema pieces several config fields share. */
const size = z.number().int().positive();
const rate = z.number().min(0).max(1);

const RobertaConfig = z.object({
  model_type: z.enum(ROBERTA_TYPES),
  vocab_size: size,
  hidden_size: size,
  num_hidden_layers: size,
  num_attention_heads: size,
  intermediate_size: size,
  max_position_embeddings: size,
  type_vocab_size: z.number().int().nonnegative().default(2),
  pad_token_id: z.number().int().nonnegative().default(1),
  num_labels: size.optional(),
  id2label: z.record(z.string(), z.string()).optional(),
  hidden_dropout_prob: rate.default(0.1),
  attention_probs_dropout_prob: rate.default(0.1),
  classifier_dropout: rate.nullish(),
});

const T5Config = z.object({
  model_type: z.enum(T5_TYPES),
  vocab_size: size,
  d_model: size,
  d_kv: size,
  d_ff: size,
  num_heads: size,
  num_layers: size,
  num_decoder_layers: size.optional(),
  relative_attention_num_buckets: size.default(32),
  feed_forward_proj: z.string().default('relu'),
  tie_word_embeddings: z.boolean().optional(),
  dropout_rate: rate.default(0.1),
});

/** Normalizes a parsed config.json; throws naming the missing or wrong fields. */
export function archFromConfig(raw: unknown, source = 'config.json'): ModelArch {
  const type = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>).model_type : undefined;
  if (isOneOf(T5_TYPES, type)) {
    const c = parseOrThrow(T5Config, raw, source);
    return {
      modelType: 'mt5',
      vocabSize: c.vocab_size,
      dModel: c.d_model,
      dKv: c.d_kv,
      heads: c.num_heads,
      dFF: c.d_ff,
      encoderLayers: c.num_layers,
      decoderLayers: c.num_decoder_layers ?? c.num_layers,
      numBuckets: c.relative_attention_num_buckets,
      gated: c.feed_forward_proj.startsWith('gated-'),
      // MT5Config maps "gated-gelu" to gelu_new (tanh form); "relu" stays relu.
      ffActivation: c.feed_forward_proj === 'gated-gelu' ? 'gelu_new' : c.feed_forward_proj.replace(/^gated-/, ''),
      dropout: c.dropout_rate,
      // MT5Config defaults to untied; T5Config (v1.0) to tied.
      tiedEmbeddings: c.tie_word_embeddings ?? c.model_type === 't5',
    };
  }
  if (isOneOf(ROBERTA_TYPES, type)) {
    const c = parseOrThrow(RobertaConfig, raw, source);
    const labels = c.id2label ? Object.keys(c.id2label).length : c.num_labels;
    return {
      modelType: 'roberta',
      vocabSize: c.vocab_size,
      hidden: c.hidden_size,
      layers: c.num_hidden_layers,
      heads: c.num_attention_heads,
      intermediate: c.intermediate_size,
      maxPositions: c.max_position_embeddings,
      typeVocab: c.type_vocab_size,
      numLabels: labels ?? null,
      maxInputLength: c.max_position_embeddings - c.pad_token_id - 1,
      hiddenDropout: c.hidden_dropout_prob,
      attentionDropout: c.attention_probs_dropout_prob,
      classifierDropout: c.classifier_dropout ?? c.hidden_dropout_prob,
    };
  }
  throw new Error(`${source}: model_type ${JSON.stringify(type)} is not supported by the planner; allowed: roberta, mt5 (also t5)`);
}

/** Loads the config of a model folder or known name. */
export function loadModelArch(model: string): { arch: ModelArch; configPath: string } {
  const configPath = resolveConfigPath(model);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(configPath, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read ${configPath}: ${(err as Error).message}`);
  }
  return { arch: archFromConfig(raw, configPath), configPath };
}

function parseOrThrow<T>(schema: z.ZodType<T>, raw: unknown, source: string): T {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const lines = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  throw new Error(`${source} is not a config the planner understands:\n  ${lines.join('\n  ')}`);
}
