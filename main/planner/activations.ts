// Activation memory of one training step as TensorFlow.js holds it, per architecture.
//
// How TensorFlow.js keeps memory during `variableGrads` (tfjs-core engine.ts / tape.ts, 4.22):
// - forward: every kernel run under the tape clones ("saves") the inputs/outputs its gradient needs
//   (Add/Sub/Mul/Div/MatMul save both inputs, Softmax/Tanh/Exp their output, Reshape its input, …);
//   the clones share buffers, so a buffer stays alive until the end of backward if any op saved it.
// - backward: the gradient of every tensor on the path is kept in a map until the whole backward
//   pass ends (only accumulations replace and free older gradients), so backward roughly doubles the
//   forward's kept memory. Everything is freed together when `variableGrads` returns.
// The peak of a step is therefore the end of backward: weights + optimizer state + every kept forward
// buffer + every gradient buffer + the parameter gradients. The counts below are those buffers,
// by shape, for our models (see the derivation notes next to each table).
import type { ModelArch, Mt5Arch, RobertaArch } from './modelConfig.ts';

export interface StepShape {
  batch: number;
  /** Tokens per input row (encoder length for mT5). */
  seq: number;
  /** mT5 decoder length. */
  target: number;
}

export interface TrainableParts {
  /** Token (and position) embeddings get gradients. */
  embeddings: boolean;
  /** mT5 lm_head gets gradients. */
  lmHead: boolean;
}

export interface ActivationEstimate {
  /** Kept at the end of backward, by kind. */
  parts: { name: string; bytes: number }[];
  bytes: number;
  /** Transient memory on top of `bytes` at the end of backward (e.g. summing two embedding gradients). */
  backwardWorkspace: { bytes: number; what: string };
}

const F32 = 4;

/** Buffers per encoder layer of RoBERTa, by shape class (elements = count × class size). */
export const ROBERTA_LAYER_BUFFERS = {
  /** [B, L, H]: layer input, q/k/v before and after bias and head split, context, dense outputs, residual sums, LayerNorm intermediates — and their gradients. */
  tokensHidden: 40,
  /** [B, L, I]: FFN pre-activation, GELU (erf) intermediates, and their gradients. */
  tokensInter: 12,
  /** [B, heads, L, L]: scores, scaled, masked, softmax probabilities, and their gradients. */
  scores: 5,
  /** [B, L] rows: LayerNorm mean / variance / rstd and their gradients. */
  tokens: 12,
};

/** Buffers of the RoBERTa embeddings, classification head and loss. */
export const ROBERTA_OUTER_BUFFERS = {
  /** [B, L, H]: word/position/type lookups, their sums, LayerNorm intermediates, gradients. */
  embeddingTokensHidden: 12,
  /** [B, L] int32 ids, positions, mask rows. */
  tokens: 8,
  /** [B, H]: <s> slice, dense, tanh, gradients. */
  headHidden: 6,
};

export function robertaActivations(a: RobertaArch, s: StepShape, trainable: TrainableParts): ActivationEstimate {
  const N = s.batch * s.seq;
  const H = a.hidden;
  const L = ROBERTA_LAYER_BUFFERS;
  const O = ROBERTA_OUTER_BUFFERS;
  const perLayer = {
    hidden: L.tokensHidden * N * H,
    inter: L.tokensInter * N * a.intermediate,
    scores: L.scores * s.batch * a.heads * s.seq * s.seq,
    rows: L.tokens * N,
  };
  const parts = [
    { name: 'attention scores/probs', bytes: F32 * a.layers * perLayer.scores },
    { name: 'hidden states (Q/K/V, residuals, norms)', bytes: F32 * a.layers * (perLayer.hidden + perLayer.rows) },
    { name: 'FFN intermediate', bytes: F32 * a.layers * perLayer.inter },
    { name: 'embeddings', bytes: F32 * (O.embeddingTokensHidden * N * H + O.tokens * N) },
    { name: 'classifier head + loss', bytes: F32 * O.headHidden * s.batch * H },
  ];
  void trainable;
  return finish(parts, { bytes: 0, what: 'none' });
}

/** Buffers per mT5 layer, by shape class. */
export const MT5_LAYER_BUFFERS = {
  encoder: { model: 16, inner: 14, ff: 14, scores: 4 },
  decoder: { model: 24, inner: 26, ff: 14, selfScores: 4, crossScores: 4, crossKv: 4 },
};

/** Buffers around the mT5 stacks. */
export const MT5_OUTER_BUFFERS = {
  /** [B, Ls|T, D]: lookups, final norms and their gradients. */
  embeddingModel: 6,
  /** [B, heads, L, L] position bias + mask, once per stack (shared by every block). */
  biasScores: 2,
  /** [B, T, V] logits, log-softmax, their gradients. */
  logits: 4,
};

export function mt5Activations(a: Mt5Arch, s: StepShape, trainable: TrainableParts): ActivationEstimate {
  const B = s.batch;
  const Ls = s.seq;
  const T = s.target;
  const inner = a.heads * a.dKv;
  const E = MT5_LAYER_BUFFERS.encoder;
  const D = MT5_LAYER_BUFFERS.decoder;
  const O = MT5_OUTER_BUFFERS;
  const ffWidth = a.gated ? a.dFF : a.dFF; // gated FFN has two [.., F] branches; counts include both
  const enc = a.encoderLayers;
  const dec = a.decoderLayers;
  const parts = [
    { name: 'encoder self-attention scores', bytes: F32 * enc * E.scores * B * a.heads * Ls * Ls },
    { name: 'decoder self-attention scores', bytes: F32 * dec * D.selfScores * B * a.heads * T * T },
    { name: 'cross-attention scores', bytes: F32 * dec * D.crossScores * B * a.heads * T * Ls },
    { name: 'encoder hidden (Q/K/V, residuals, norms)', bytes: F32 * enc * (E.model * B * Ls * a.dModel + E.inner * B * Ls * inner) },
    { name: 'decoder hidden (Q/K/V, residuals, norms)', bytes: F32 * dec * (D.model * B * T * a.dModel + D.inner * B * T * inner + D.crossKv * B * Ls * inner) },
    { name: 'FFN intermediate', bytes: F32 * (enc * E.ff * B * Ls * ffWidth + dec * D.ff * B * T * ffWidth) },
    { name: 'embeddings + position bias', bytes: F32 * (O.embeddingModel * B * (Ls + T) * a.dModel + O.biasScores * B * a.heads * (Ls * Ls + T * T)) },
    { name: 'lm_head logits + loss', bytes: F32 * O.logits * B * T * a.vocabSize },
  ];
  // shared.weight is looked up twice (encoder ids, decoder ids): when it trains, the second dense
  // [V, D] gradient and the sum of both exist together for a moment.
  const ws = trainable.embeddings
    ? { bytes: 2 * F32 * a.vocabSize * a.dModel, what: 'summing the two dense shared.weight gradients (encoder + decoder lookups)' }
    : { bytes: 0, what: 'none' };
  return finish(parts, ws);
}

export function estimateActivations(arch: ModelArch, s: StepShape, trainable: TrainableParts): ActivationEstimate {
  return arch.modelType === 'roberta' ? robertaActivations(arch, s, trainable) : mt5Activations(arch, s, trainable);
}

function finish(parts: { name: string; bytes: number }[], ws: ActivationEstimate['backwardWorkspace']): ActivationEstimate {
  return { parts, bytes: parts.reduce((t, p) => t + p.bytes, 0), backwardWorkspace: ws };
}
