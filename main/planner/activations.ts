// Activation memory of one training step as TensorFlow.js holds it, per architecture.
//
// How TensorFlow.js keeps memory during `tf.variableGrads` (tfjs-core 4.22 engine.ts / tape.ts):
// - forward: every kernel run under the tape saves (clones) the inputs/outputs its gradient needs —
//   Add/Sub/Mul/Div/MatMul both inputs, Softmax/Tanh/Exp/LogSoftmax their output, Reshape/Erf/Square
//   their input, … A clone shares its buffer, so a buffer stays alive until the end of the backward
//   pass as soon as one op saved it: in practice nearly every intermediate of the forward pass.
// - backward: the gradient of every tensor on the path, and every partial gradient that was summed
//   into another, stays in one tidy scope until the whole backward pass ends.
// So the step peaks at the end of backward: weights + optimizer state + every saved forward buffer +
// every gradient buffer + the parameter gradients. (Compare PyTorch, which frees each activation as
// soon as backward has used it.)
//
// The counts below are those buffers per shape class for our models (models/roberta, models/mt5),
// found by running one step on the cpu backend with main/planner/tensorPeak.ts on tiny configs
// whose every dimension is distinct (B=2, L=5, H=12, heads=3, I=28; mT5 d_model=12, inner=8,
// d_ff=22, Ls=5, T=3), classifying the buffers alive at the peak by size, and differencing 1- and
// 2-layer models, eval mode and training mode (`npm run bench:planner -- --inventory` reproduces them:
// main/planner/measure/inventory.ts); then checked end to end by main/planner/measured.test.ts.
//
// They come in two sets, by who computes the step. `fused`: the cpu/wasm backends with our fast kernels
// (kernels/, the default there), where GELU, the norms, dropout, attention and the linear projections
// are one kernel each way and keep only what their gradient needs (a composed linear's last reshape
// keeps its whole input alive for the shape, the fused one keeps nothing). `composed`: every other backend (tensorflow, tensorflow-gpu) and cpu/wasm
// with OCTET_FAST_KERNELS=0, where they are composed of stock TensorFlow.js ops (`--inventory` under
// OCTET_FAST_KERNELS=0 gives these). A dropout with rate > 0 costs 5 buffers of its input's shape
// composed (random uniform, floor, the scaled mask, the output, the input's gradient) and 2 fused
// (output, the input's gradient; 1 where the output's gradient is one the model keeps anyway; fused
// with the residual add after it: RESIDUAL_DROPOUT_BUFFERS) plus one bit per element: which multipliers
// are not 0, all the fused gradient keeps (KEPT_BITS).
import type { ModelArch, Mt5Arch, RobertaArch } from './modelConfig.ts';
export interface StepShape {
  batch: number;
  /** Tokens per input row (encoder length for mT5). */
  seq: number;
  /** mT5 decoder length. */
  target: number;
}

export interface ActivationOptions {
  /** Token (and RoBERTa position/type) embeddings get gradients. */
  embeddingsTrainable: boolean;
  /** Training mode: dropouts with rate > 0 run (default true, as transformers' Trainer). */
  dropout: boolean;
  stableEmbedding: boolean;
  /** Which kernels run the step (see above): 'fused' on cpu/wasm with the fast kernels, 'composed' elsewhere. */
  kernels: KernelSet;
}

export type KernelSet = 'fused' | 'composed';
/** A count that depends on the kernel set. */
type Count = number | { fused: number; composed: number };
/** A count that depends on whether the token embeddings train. */
type ByTraining = { trainable: Count; frozen: Count };
function pick(c: Count | ByTraining, o: ActivationOptions): number {
  if (typeof c === 'number') return c;
  if ('trainable' in c) return pick(o.embeddingsTrainable ? c.trainable : c.frozen, o);
  return c[o.kernels];
}

export interface ActivationEstimate {
  /** Kept at the end of backward, by kind. */
  parts: { name: string; bytes: number }[];
  bytes: number;
  /** Transient memory on top of `bytes` at the end of backward (e.g. summing two embedding gradients). */
  backwardWorkspace: { bytes: number; what: string };
}

const F32 = 4;
/** A fused dropout's kept bits (one per element), in float32 buffers of its input's shape. */
const KEPT_BITS = 1 / 32;
/** Buffers one dropout adds (see above). */
export const DROPOUT_BUFFERS = { fused: 2 + KEPT_BITS, composed: 5 };
/**
 * The dropout on a layer's attention and FFN outputs, in front of the residual add: fused, one kernel
 * computes x + dropout(r) and keeps only the kept bits, and the step's peak then holds fewer buffers
 * than in eval mode's plain add: 1 per site in RoBERTa, 2 in mT5 (`--inventory`, training − eval).
 */
export const RESIDUAL_DROPOUT_BUFFERS = { roberta: { fused: -1 + KEPT_BITS, composed: 5 }, mt5: { fused: -2 + KEPT_BITS, composed: 5 } };
/** The dropout on attention probabilities: the fused attention kernel keeps one bit per score (which were kept). */
export const SCORE_DROPOUT_BUFFERS = { fused: KEPT_BITS, composed: 5 };

/** RoBERTa encoder layer, in buffers of each shape (forward saved + gradients), eval mode. */
export const ROBERTA_LAYER = {
  /** [B, L, H] (also [B, heads, L, d]): q/k/v (composed: before and after the bias, and head split), context, dense outputs, residuals, the LayerNorms' x̂ and their gradients. */
  hidden: { fused: 20, composed: 34 },
  /** [B, L, I]: the FFN pre-activation (GELU keeps only its input) and gradients; the composed GELU's backward leaves one more, the composed linear one more. */
  inter: { fused: 4, composed: 6 },
  /** [B, heads, L, L]: scores, scaled scores, probabilities and gradients; fused attention keeps only the probabilities. */
  scores: { fused: 1, composed: 7 },
  /** [B, L] rows: each LayerNorm's 1/σ. */
  rows: 2,
  /** Dropout sites: after the attention output and after the FFN output ([B, L, H]); on the probabilities ([B, heads, L, L]). */
  hiddenDropouts: 2,
  scoreDropouts: 1,
};

/** RoBERTa embeddings and classification head. */
export const ROBERTA_OUTER = {
  /** [B, L, H]: word/position/type lookups, sums, LayerNorm; gradients when the embeddings train (9), else forward only (2). */
  hidden: { trainable: 9, frozen: { fused: 4, composed: 2 } },
  /** [B, L]: ids, mask, position ids, the additive mask, LayerNorm 1/σ, lookup masks (and gradients' ids). */
  rows: { trainable: 10, frozen: 8 },
  /** The stable embedding's LayerNorm on the word lookup (x̂, 1/σ and their gradients). */
  stableHidden: { fused: 2, composed: 7 },
  stableRows: { fused: 1, composed: 2 },
  /** The embedding dropout: its first buffer is the LayerNorm output's gradient, kept anyway. */
  embeddingDropoutBuffers: { fused: 1 + KEPT_BITS, composed: 5 },
  /** Buffers fewer when the embeddings are frozen (composed: no gradient of the dropout's input). */
  frozenEmbeddingDropoutSaving: { fused: 0, composed: 1 },
  /** [B, H]: <s> token, dense, tanh and gradients; [B, labels] logits and loss; [B] labels and the loss's per-row terms. */
  headHidden: { fused: 5, composed: 7 },
  headDropouts: 2,
  headLogits: { fused: 2, composed: 3 },
  headRows: 5,
};

export function robertaActivations(a: RobertaArch, s: StepShape, o: ActivationOptions, numLabels: number): ActivationEstimate {
  const N = s.batch * s.seq;
  const H = a.hidden;
  const L = ROBERTA_LAYER;
  const O = ROBERTA_OUTER;
  const on = (rate: number) => o.dropout && rate > 0;
  const drop = (rate: number, sites: number) => (on(rate) ? DROPOUT_BUFFERS[o.kernels] * sites : 0);
  const layerHidden = pick(L.hidden, o) + (on(a.hiddenDropout) ? RESIDUAL_DROPOUT_BUFFERS.roberta[o.kernels] * L.hiddenDropouts : 0);
  const layerScores = pick(L.scores, o) + (on(a.attentionDropout) ? SCORE_DROPOUT_BUFFERS[o.kernels] * L.scoreDropouts : 0);
  const embDrop = on(a.hiddenDropout) ? pick(O.embeddingDropoutBuffers, o) - (o.embeddingsTrainable ? 0 : pick(O.frozenEmbeddingDropoutSaving, o)) : 0;
  const embHidden = pick(O.hidden, o) + (o.stableEmbedding ? pick(O.stableHidden, o) : 0) + embDrop;
  const embRows = pick(O.rows, o) + (o.stableEmbedding ? pick(O.stableRows, o) : 0);
  const parts = [
    { name: 'attention scores/probs', bytes: F32 * a.layers * layerScores * s.batch * a.heads * s.seq * s.seq },
    { name: 'hidden states (Q/K/V, residuals, norms)', bytes: F32 * a.layers * (layerHidden * N * H + pick(L.rows, o) * N) },
    { name: 'FFN intermediate', bytes: F32 * a.layers * pick(L.inter, o) * N * a.intermediate },
    { name: 'embeddings', bytes: F32 * (embHidden * N * H + embRows * N) },
    { name: 'classifier head + loss', bytes: F32 * s.batch * ((pick(O.headHidden, o) + drop(a.classifierDropout, O.headDropouts)) * H + pick(O.headLogits, o) * numLabels + O.headRows) },
  ];
  return finish(parts);
}

/** mT5 encoder block (self-attention + FFN), eval mode; E = [B, Ls, ·]. */
export const MT5_ENCODER_LAYER = {
  /**
   * [B, Ls, d_model]: residual stream, RMS norms' x̂, attention/FFN outputs and gradients (composed: the
   * projections' input gets one partial gradient per projection, summed; fused: one, accumulated).
   */
  modelGated: { fused: 14, composed: 19 },
  model: { fused: 14, composed: 17 },
  /** [B, Ls, heads·d_kv] (also split in heads, composed): q, k, v, context and gradients. */
  inner: { fused: 8, composed: 15 },
  /** [B, heads, Ls, Ls]: scores + bias, probabilities, gradients (the shared bias gets one gradient per block); fused: the probabilities. */
  scores: { fused: 1, composed: 6 },
  /** [B, Ls]: the RMS norms' 1/rms. */
  rows: 2,
  /** [heads, Ls, Ls]: this block's gradient of the shared position bias (composed: a [B, heads, Ls, Ls] one, among the scores). */
  biasGrads: { fused: 1, composed: 0 },
  modelDropouts: 2,
  scoreDropouts: 1,
};

/** mT5 decoder block (self-attention, cross-attention, FFN), eval mode; T = [B, T, ·]. */
export const MT5_DECODER_LAYER = {
  modelGated: { fused: 21, composed: 26 },
  model: { fused: 21, composed: 24 },
  inner: { fused: 12, composed: 22 },
  /** [B, Ls, inner]: cross-attention keys and values of the encoder output, and their gradients. */
  crossKv: { fused: 4, composed: 8 },
  /** [B, Ls, d_model]: the gradients this block sends back to the encoder output (keys, values; fused: one for both). */
  encoderGrads: { fused: 1, composed: 2 },
  selfScores: { fused: 1, composed: 5 },
  crossScores: { fused: 1, composed: 5 },
  rows: 3,
  /** [heads, T, T]: the gradient of the shared self-attention bias. */
  biasGrads: 1,
  modelDropouts: 3,
  scoreDropouts: 1,
};

/** The FFN of an encoder or decoder block (the same code in both stacks: models/mt5/stack.ts feedForward); F = [B, Ls|T, d_ff]. */
export const MT5_FFN = {
  /** Gated-GELU (tanh form) branches and gradients (fused: one kernel keeps gate and up, not gelu(gate)); a plain ReLU or GELU FFN keeps fewer. */
  gated: { fused: 6, composed: 9 },
  relu: 4,
  other: { fused: 4, composed: 5 },
  /** The FFN dropout: its output's gradient is one the block keeps anyway. */
  dropoutBuffers: { fused: 1 + KEPT_BITS, composed: 5 },
};

export const MT5_OUTER = {
  /**
   * [B, Ls|T, d_model]: the looked-up embeddings of each stack and the final norms (with gradients when
   * shared.weight trains); fused: one less, the decoder layers' gradients of the encoder output each one buffer.
   */
  encoderModel: { trainable: { fused: 3, composed: 4 }, frozen: { fused: 2, composed: 8 } },
  decoderModel: { trainable: 4, frozen: 3 },
  /** [B, Ls] and [B, T]: ids, masks, labels, shifted labels, the loss's per-token terms, the final norms' 1/rms. */
  encoderRows: { trainable: 7, frozen: { fused: 7, composed: 8 } },
  decoderRows: 7,
  /** [B·(Ls+T), d_model] and [B·(Ls+T)]: the one lookup of encoder and decoder ids (and, when shared.weight trains, the ids its gradient keeps). */
  pairModel: { trainable: 1, frozen: 0 },
  pairRows: { trainable: 2, frozen: 1 },
  /** The stable embedding's LayerNorm on that lookup. */
  stablePairModel: { fused: 2, composed: 7 },
  stablePairRows: { fused: 2, composed: 3 },
  /** Embedding dropout and final dropout of each stack, together. */
  stackDropoutBuffers: { fused: 3 + 2 * KEPT_BITS, composed: 10 },
  /** [B, T, vocab]: lm_head output and its gradient (the loss keeps one log-sum-exp per row). */
  logits: 2,
  /** [heads, L, L] position-bias tables (composed: the mask added to them once per stack, models/layers/attention.ts stackAttentionBias). */
  encoderBias: { trainable: { fused: 2, composed: 3 }, frozen: { fused: 2, composed: 1 } },
  decoderBias: { fused: 2, composed: 3 },
};

export function mt5Activations(a: Mt5Arch, s: StepShape, o: ActivationOptions): ActivationEstimate {
  const B = s.batch;
  const Ls = s.seq;
  const T = s.target;
  const D = a.dModel;
  const inner = a.heads * a.dKv;
  const E = MT5_ENCODER_LAYER;
  const Dl = MT5_DECODER_LAYER;
  const O = MT5_OUTER;
  const on = o.dropout && a.dropout > 0;
  const drop = (sites: number) => (on ? RESIDUAL_DROPOUT_BUFFERS.mt5[o.kernels] * sites : 0);
  const scoreDrop = (sites: number) => (on ? SCORE_DROPOUT_BUFFERS[o.kernels] * sites : 0);
  const dropCount = (c: Count) => (on ? pick(c, o) : 0);
  const enc = a.encoderLayers;
  const dec = a.decoderLayers;
  const st = o.stableEmbedding;
  const ff = pick(a.gated ? MT5_FFN.gated : a.ffActivation === 'relu' ? MT5_FFN.relu : MT5_FFN.other, o) + dropCount(MT5_FFN.dropoutBuffers);
  const encLayerModel = pick(a.gated ? E.modelGated : E.model, o) + drop(E.modelDropouts);
  const decLayerModel = pick(a.gated ? Dl.modelGated : Dl.model, o) + drop(Dl.modelDropouts);
  const encModel = enc * encLayerModel + dec * pick(Dl.encoderGrads, o) + pick(O.encoderModel, o) + dropCount(O.stackDropoutBuffers);
  const decModel = dec * decLayerModel + pick(O.decoderModel, o) + dropCount(O.stackDropoutBuffers);
  const pairModel = pick(O.pairModel, o) + (st ? pick(O.stablePairModel, o) : 0);
  // The stable lookup keeps the ids (as a frozen plain lookup does) plus its own rows, which include
  // the ids its gradient keeps.
  const pairRows = st ? O.pairRows.frozen + pick(O.stablePairRows, o) : pick(O.pairRows, o);
  const rows = enc * E.rows * B * Ls + dec * Dl.rows * B * T + pick(O.encoderRows, o) * B * Ls + O.decoderRows * B * T + pairRows * B * (Ls + T);
  const encBias = pick(O.encoderBias, o);
  const parts = [
    { name: 'encoder self-attention scores', bytes: F32 * enc * (pick(E.scores, o) + scoreDrop(E.scoreDropouts)) * B * a.heads * Ls * Ls },
    { name: 'decoder self-attention scores', bytes: F32 * dec * (pick(Dl.selfScores, o) + scoreDrop(Dl.scoreDropouts)) * B * a.heads * T * T },
    { name: 'cross-attention scores', bytes: F32 * dec * (pick(Dl.crossScores, o) + scoreDrop(Dl.scoreDropouts)) * B * a.heads * T * Ls },
    { name: 'encoder hidden (Q/K/V, residuals, norms)', bytes: F32 * (encModel * B * Ls * D + enc * pick(E.inner, o) * B * Ls * inner + dec * pick(Dl.crossKv, o) * B * Ls * inner) },
    { name: 'decoder hidden (Q/K/V, residuals, norms)', bytes: F32 * (decModel * B * T * D + dec * pick(Dl.inner, o) * B * T * inner) },
    { name: 'embedding lookup (encoder and decoder ids at once)', bytes: F32 * pairModel * B * (Ls + T) * D },
    { name: 'FFN intermediate', bytes: F32 * a.dFF * (enc * ff * B * Ls + dec * ff * B * T) },
    { name: 'norm statistics + position bias', bytes: F32 * (rows + a.heads * ((encBias + enc * pick(E.biasGrads, o)) * Ls * Ls + (pick(O.decoderBias, o) + dec * Dl.biasGrads) * T * T)) },
    { name: 'lm_head logits + loss', bytes: F32 * O.logits * B * T * a.vocabSize },
  ];
  return finish(parts);
}

export function estimateActivations(arch: ModelArch, s: StepShape, o: ActivationOptions, numLabels = 2): ActivationEstimate {
  return arch.modelType === 'roberta' ? robertaActivations(arch, s, o, numLabels) : mt5Activations(arch, s, o);
}

function finish(parts: ActivationEstimate['parts']): ActivationEstimate {
  // No transient at the end of backward for either model. mT5: encoder and decoder ids are looked up
  // together (models/mt5/stack.ts embedPair), so shared.weight's gradient is one scatter into one
  // [vocab, d_model] buffer, nothing transient beside it.
  return { parts, bytes: parts.reduce((t, p) => t + p.bytes, 0), backwardWorkspace: { bytes: 0, what: 'none' } };
}
