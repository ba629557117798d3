// RoBERTa config.json → normalized config, with transformers' class defaults (BertConfig/RobertaConfig).
import { z } from 'zod';
import { ACTIVATIONS, type ActivationName } from './activations.ts';
import { ModelConfigError, formatIssues } from './errors.ts';
import { labelMaps, PROBLEM_TYPES, type ProblemType } from './labels.ts';

export interface RobertaConfig {
  modelType: 'roberta';
  architectures: string[];
  vocabSize: number;
  hiddenSize: number;
  numHiddenLayers: number;
  numAttentionHeads: number;
  intermediateSize: number;
  hiddenAct: ActivationName;
  maxPositionEmbeddings: number;
  typeVocabSize: number;
  /** `layer_norm_eps`; 1e-12 when absent (BertConfig default), 1e-5 in the public roberta configs. */
  layerNormEps: number;
  padTokenId: number;
  bosTokenId: number;
  eosTokenId: number;
  initializerRange: number;
  hiddenDropoutProb: number;
  attentionProbsDropoutProb: number;
  classifierDropout: number | null;
  numLabels: number;
  id2label: Record<number, string>;
  label2id: Record<string, number>;
  problemType: ProblemType | null;
  tieWordEmbeddings: boolean;
  /** Octet extension: the word embedding is a bitsandbytes-style StableEmbedding. */
  stableEmbedding: boolean;
  /** The config.json as read, so that keys we do not model survive a save. */
  raw: Record<string, unknown>;
}

const int = z.number().int();
const pos = int.positive();
const schema = z.object({
  model_type: z.string(),
  architectures: z.array(z.string()).nullish(),
  vocab_size: pos.default(50265),
  hidden_size: pos.default(768),
  num_hidden_layers: int.nonnegative().default(12),
  num_attention_heads: pos.default(12),
  intermediate_size: pos.default(3072),
  hidden_act: z.enum(ACTIVATIONS).default('gelu'),
  max_position_embeddings: pos.default(512),
  type_vocab_size: pos.default(2),
  layer_norm_eps: z.number().positive().default(1e-12),
  pad_token_id: int.nonnegative().default(1),
  bos_token_id: int.nonnegative().nullish(),
  eos_token_id: int.nonnegative().nullish(),
  initializer_range: z.number().positive().default(0.02),
  hidden_dropout_prob: z.number().min(0).max(1).default(0.1),
  attention_probs_dropout_prob: z.number().min(0).max(1).default(0.1),
  classifier_dropout: z.number().min(0).max(1).nullish(),
  position_embedding_type: z.literal('absolute', { message: 'only "absolute" position embeddings are supported' }).default('absolute'),
  is_decoder: z.literal(false, { message: 'decoder RoBERTa (is_decoder: true) is not supported' }).default(false),
  num_labels: pos.optional(),
  id2label: z.record(z.string(), z.string()).optional(),
  label2id: z.record(z.string(), int).optional(),
  problem_type: z.enum(PROBLEM_TYPES).nullish(),
  tie_word_embeddings: z.boolean().default(true),
  octet_stable_embedding: z.boolean().default(false),
});

export function parseRobertaConfig(raw: Record<string, unknown>, file = 'config.json'): RobertaConfig {
  const r = schema.safeParse(raw);
  if (!r.success) throw new ModelConfigError(formatIssues(file, r.error));
  const c = r.data;
  if (c.hidden_size % c.num_attention_heads !== 0) {
    throw new ModelConfigError(`${file}: hidden_size ${c.hidden_size} is not a multiple of num_attention_heads ${c.num_attention_heads}`);
  }
  if (c.pad_token_id >= c.max_position_embeddings || c.pad_token_id >= c.vocab_size) {
    throw new ModelConfigError(`${file}: pad_token_id ${c.pad_token_id} must index both the vocabulary and the position table`);
  }
  const labels = labelMaps(c.id2label, c.num_labels, file);
  return {
    modelType: 'roberta',
    architectures: c.architectures ?? [],
    vocabSize: c.vocab_size,
    hiddenSize: c.hidden_size,
    numHiddenLayers: c.num_hidden_layers,
    numAttentionHeads: c.num_attention_heads,
    intermediateSize: c.intermediate_size,
    hiddenAct: c.hidden_act,
    maxPositionEmbeddings: c.max_position_embeddings,
    typeVocabSize: c.type_vocab_size,
    layerNormEps: c.layer_norm_eps,
    padTokenId: c.pad_token_id,
    bosTokenId: c.bos_token_id ?? 0,
    eosTokenId: c.eos_token_id ?? 2,
    initializerRange: c.initializer_range,
    hiddenDropoutProb: c.hidden_dropout_prob,
    attentionProbsDropoutProb: c.attention_probs_dropout_prob,
    classifierDropout: c.classifier_dropout ?? null,
    numLabels: labels.numLabels,
    id2label: labels.id2label,
    label2id: labels.label2id,
    problemType: c.problem_type ?? null,
    tieWordEmbeddings: c.tie_word_embeddings,
    stableEmbedding: c.octet_stable_embedding,
    raw,
  };
}

/** config.json as `save_pretrained` would write it: the raw keys, updated with what may have changed. */
export function robertaConfigToJson(c: RobertaConfig, architecture: string): Record<string, unknown> {
  const out: Record<string, unknown> = { ...c.raw };
  delete out.num_labels;
  Object.assign(out, {
    architectures: [architecture],
    model_type: 'roberta',
    vocab_size: c.vocabSize,
    hidden_size: c.hiddenSize,
    num_hidden_layers: c.numHiddenLayers,
    num_attention_heads: c.numAttentionHeads,
    intermediate_size: c.intermediateSize,
    hidden_act: c.hiddenAct,
    max_position_embeddings: c.maxPositionEmbeddings,
    type_vocab_size: c.typeVocabSize,
    layer_norm_eps: c.layerNormEps,
    pad_token_id: c.padTokenId,
    bos_token_id: c.bosTokenId,
    eos_token_id: c.eosTokenId,
    initializer_range: c.initializerRange,
    hidden_dropout_prob: c.hiddenDropoutProb,
    attention_probs_dropout_prob: c.attentionProbsDropoutProb,
    classifier_dropout: c.classifierDropout,
    position_embedding_type: 'absolute',
    id2label: Object.fromEntries(Object.entries(c.id2label).map(([k, v]) => [String(k), v])),
    label2id: { ...c.label2id },
    torch_dtype: 'float32',
  });
  if (c.problemType) out.problem_type = c.problemType;
  else delete out.problem_type;
  if (c.stableEmbedding) out.octet_stable_embedding = true;
  else delete out.octet_stable_embedding;
  return out;
}
