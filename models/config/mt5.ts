// mT5 config.json → normalized config, following MT5Config.__init__ (defaults, feed_forward_proj parsing).
import { z } from 'zod';
import { isActivation, type ActivationName } from './activations.ts';
import { ModelConfigError, formatIssues } from './errors.ts';

export interface MT5Config {
  modelType: 'mt5';
  architectures: string[];
  vocabSize: number;
  dModel: number;
  dKv: number;
  dFf: number;
  numLayers: number;
  numDecoderLayers: number;
  numHeads: number;
  relativeAttentionNumBuckets: number;
  relativeAttentionMaxDistance: number;
  /** `layer_norm_epsilon` (T5 spelling). */
  layerNormEpsilon: number;
  feedForwardProj: string;
  isGatedAct: boolean;
  /** "gated-gelu" maps to gelu_new (tanh approximation), as MT5Config does. */
  denseActFn: ActivationName;
  dropoutRate: number;
  initializerFactor: number;
  tieWordEmbeddings: boolean;
  padTokenId: number;
  eosTokenId: number;
  decoderStartTokenId: number;
  stableEmbedding: boolean;
  raw: Record<string, unknown>;
}

const int = z.number().int();
const pos = int.positive();
const schema = z.object({
  model_type: z.string(),
  architectures: z.array(z.string()).nullish(),
  vocab_size: pos.default(250112),
  d_model: pos.default(512),
  d_kv: pos.default(64),
  d_ff: pos.default(1024),
  num_layers: int.nonnegative().default(8),
  num_decoder_layers: int.nonnegative().nullish(),
  num_heads: pos.default(6),
  relative_attention_num_buckets: pos.default(32),
  relative_attention_max_distance: pos.default(128),
  layer_norm_epsilon: z.number().positive().default(1e-6),
  feed_forward_proj: z.string().default('gated-gelu'),
  dropout_rate: z.number().min(0).max(1).default(0.1),
  initializer_factor: z.number().positive().default(1.0),
  tie_word_embeddings: z.boolean().default(false),
  pad_token_id: int.nonnegative().default(0),
  eos_token_id: z.union([int.nonnegative(), z.array(int.nonnegative()).min(1)]).default(1),
  decoder_start_token_id: int.nonnegative().default(0),
  octet_stable_embedding: z.boolean().default(false),
});

export function parseMT5Config(raw: Record<string, unknown>, file = 'config.json'): MT5Config {
  const r = schema.safeParse(raw);
  if (!r.success) throw new ModelConfigError(formatIssues(file, r.error));
  const c = r.data;
  // MT5Config: "gated-X" → gated act X; "X" → plain X; "gated-gelu" → gelu_new for backwards compatibility.
  const parts = c.feed_forward_proj.split('-');
  if ((parts.length > 1 && parts[0] !== 'gated') || parts.length > 2) {
    throw new ModelConfigError(`${file}: feed_forward_proj "${c.feed_forward_proj}" must be "ACT" or "gated-ACT" (e.g. "gated-gelu")`);
  }
  let act = parts[parts.length - 1];
  if (c.feed_forward_proj === 'gated-gelu') act = 'gelu_new';
  // PretrainedConfig sets leftover keys after __init__, so an explicit dense_act_fn in the file wins.
  if (typeof raw.dense_act_fn === 'string') act = raw.dense_act_fn;
  if (!isActivation(act)) throw new ModelConfigError(`${file}: activation "${act}" (from feed_forward_proj) is not supported`);
  const isGated = typeof raw.is_gated_act === 'boolean' ? raw.is_gated_act : parts[0] === 'gated';
  const eos = Array.isArray(c.eos_token_id) ? c.eos_token_id[0] : c.eos_token_id;
  return {
    modelType: 'mt5',
    architectures: c.architectures ?? [],
    vocabSize: c.vocab_size,
    dModel: c.d_model,
    dKv: c.d_kv,
    dFf: c.d_ff,
    numLayers: c.num_layers,
    numDecoderLayers: c.num_decoder_layers ?? c.num_layers,
    numHeads: c.num_heads,
    relativeAttentionNumBuckets: c.relative_attention_num_buckets,
    relativeAttentionMaxDistance: c.relative_attention_max_distance,
    layerNormEpsilon: c.layer_norm_epsilon,
    feedForwardProj: c.feed_forward_proj,
    isGatedAct: isGated,
    denseActFn: act,
    dropoutRate: c.dropout_rate,
    initializerFactor: c.initializer_factor,
    tieWordEmbeddings: c.tie_word_embeddings,
    padTokenId: c.pad_token_id,
    eosTokenId: eos,
    decoderStartTokenId: c.decoder_start_token_id,
    stableEmbedding: c.octet_stable_embedding,
    raw,
  };
}

export function mt5ConfigToJson(c: MT5Config, architecture: string): Record<string, unknown> {
  const out: Record<string, unknown> = { ...c.raw };
  Object.assign(out, {
    architectures: [architecture],
    model_type: 'mt5',
    vocab_size: c.vocabSize,
    d_model: c.dModel,
    d_kv: c.dKv,
    d_ff: c.dFf,
    num_layers: c.numLayers,
    num_decoder_layers: c.numDecoderLayers,
    num_heads: c.numHeads,
    relative_attention_num_buckets: c.relativeAttentionNumBuckets,
    relative_attention_max_distance: c.relativeAttentionMaxDistance,
    layer_norm_epsilon: c.layerNormEpsilon,
    feed_forward_proj: c.feedForwardProj,
    is_gated_act: c.isGatedAct,
    dense_act_fn: c.denseActFn,
    dropout_rate: c.dropoutRate,
    initializer_factor: c.initializerFactor,
    tie_word_embeddings: c.tieWordEmbeddings,
    pad_token_id: c.padTokenId,
    decoder_start_token_id: c.decoderStartTokenId,
    is_encoder_decoder: true,
    torch_dtype: 'float32',
  });
  if (out.eos_token_id === undefined || !Array.isArray(out.eos_token_id)) out.eos_token_id = c.eosTokenId;
  if (c.stableEmbedding) out.octet_stable_embedding = true;
  else delete out.octet_stable_embedding;
  return out;
}
