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
// 2-layer models (`npm run bench:planner -- --inventory` reproduces them: main/planner/measure/
// inventory.ts); then checked op by op against the gradient configs of tfjs-core, and end to end by
// main/planner/measured.test.ts. A dropout with rate > 0 costs 5 buffers of its input's shape
// (random uniform, floor, the scaled mask, the output, the input's gradient).
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
}

export interface ActivationEstimate {
  /** Kept at the end of backward, by kind. */
  parts: { name: string; bytes: number }[];
  bytes: number;
  /** Transient memory on top of `bytes` at the end of backward (e.g. summing two embedding gradients). */
  backwardWorkspace: { bytes: number; what: string };
}

const F32 = 4;
/** Buffers one dropout adds (see above). */
export const DROPOUT_BUFFERS = 5;

/** RoBERTa encoder layer, in buffers of each shape (forward saved + gradients), without dropout. */
export const ROBERTA_LAYER = {
  /** [B, L, H] (also [B, heads, L, d]): q/k/v before/after bias and head split, context, dense outputs, residuals, 2 LayerNorms (26 forward + 26 gradients). */
  hidden: 52,
  /** [B, L, I]: FFN pre-activation and the erf-GELU intermediates (7 forward + 10 gradients). */
  inter: 17,
  /** [B, heads, L, L]: scores, scaled scores, probabilities (3) + 4 gradients. */
  scores: 7,
  /** [B, L] rows: LayerNorm mean/variance/rstd and gradients. */
  rows: 14,
  /** Dropout sites: after the attention output and after the FFN output ([B, L, H]); on the probabilities ([B, heads, L, L]). */
  hiddenDropouts: 2,
  scoreDropouts: 1,
};

/** RoBERTa embeddings and classification head. */
export const ROBERTA_OUTER = {
  /** [B, L, H]: word/position lookups, sums, LayerNorm; gradients when the embeddings train (18), else forward only (6). */
  hiddenTrainable: 18,
  hiddenFrozen: 6,
  rowsTrainable: 16,
  rowsFrozen: 11,
  /** The stable embedding's LayerNorm on the word lookup. */
  stableHidden: 11,
  stableRows: 7,
  embeddingDropouts: 1,
  /** [B, H]: <s> slice, dense, tanh and gradients; [B, labels] logits and loss. */
  headHidden: 7,
  headDropouts: 2,
  headLogits: 11,
};

export function robertaActivations(a: RobertaArch, s: StepShape, o: ActivationOptions, numLabels: number): ActivationEstimate {
  const N = s.batch * s.seq;
  const H = a.hidden;
  const L = ROBERTA_LAYER;
  const O = ROBERTA_OUTER;
  const drop = (rate: number, sites: number) => (o.dropout && rate > 0 ? DROPOUT_BUFFERS * sites : 0);
  const layerHidden = L.hidden + drop(a.hiddenDropout, L.hiddenDropouts);
  const layerScores = L.scores + drop(a.attentionDropout, L.scoreDropouts);
  const embHidden = (o.embeddingsTrainable ? O.hiddenTrainable : O.hiddenFrozen) + (o.stableEmbedding ? O.stableHidden : 0) + drop(a.hiddenDropout, O.embeddingDropouts);
  const embRows = (o.embeddingsTrainable ? O.rowsTrainable : O.rowsFrozen) + (o.stableEmbedding ? O.stableRows : 0);
  const parts = [
    { name: 'attention scores/probs', bytes: F32 * a.layers * layerScores * s.batch * a.heads * s.seq * s.seq },
    { name: 'hidden states (Q/K/V, residuals, norms)', bytes: F32 * a.layers * (layerHidden * N * H + L.rows * N) },
    { name: 'FFN intermediate', bytes: F32 * a.layers * L.inter * N * a.intermediate },
    { name: 'embeddings', bytes: F32 * (embHidden * N * H + embRows * N) },
    { name: 'classifier head + loss', bytes: F32 * s.batch * ((O.headHidden + drop(a.classifierDropout, O.headDropouts)) * H + O.headLogits * numLabels) },
  ];
  return finish(parts, { bytes: 0, what: 'none' });
}

/** mT5 encoder block (self-attention + FFN), without dropout; E = [B, Ls, ·]. */
export const MT5_ENCODER_LAYER = {
  /** [B, Ls, d_model]: residual stream, RMS norms, attention/FFN outputs and gradients. */
  model: 27,
  /** [B, Ls, heads·d_kv] (also split in heads): q, k, v, context. */
  inner: 15,
  /** [B, Ls, d_ff]: gated-GELU (tanh form) branches and gradients; 4 for a plain ReLU FFN. */
  ffGated: 20,
  ffRelu: 4,
  ffOther: 14,
  /** [B, heads, Ls, Ls]: scores + bias, probabilities, gradients (the shared bias gets one gradient per block). */
  scores: 6,
  rows: 10,
  modelDropouts: 2,
  ffDropouts: 1,
  scoreDropouts: 1,
};

/** mT5 decoder block (self-attention, cross-attention, FFN), without dropout; T = [B, T, ·]. */
export const MT5_DECODER_LAYER = {
  model: 38,
  inner: 22,
  /** [B, Ls, inner]: cross-attention keys and values of the encoder output, and their gradients. */
  crossKv: 8,
  /** [B, Ls, d_model]: the gradients this block sends back to the encoder output (keys, values). */
  encoderGrads: 2,
  ffGated: 20,
  ffRelu: 4,
  ffOther: 14,
  selfScores: 5,
  crossScores: 5,
  rows: 15,
  /** [heads, T, T]: the gradient of the shared self-attention bias. */
  biasGrads: 1,
  modelDropouts: 3,
  ffDropouts: 1,
  scoreDropouts: 1,
};

export const MT5_OUTER = {
  /** [B, Ls|T, d_model]: lookups and final norms (with gradients when shared.weight trains). */
  encoderModelTrainable: 10,
  encoderModelFrozen: 4,
  decoderModelTrainable: 9,
  decoderModelFrozen: 4,
  encoderRowsTrainable: 11,
  encoderRowsFrozen: 9,
  decoderRowsTrainable: 14,
  decoderRowsFrozen: 12,
  /** Stable embedding LayerNorm on each lookup (as RoBERTa's). */
  stableEncoderModel: 11,
  stableDecoderModel: 12,
  stableRows: 8,
  /** Embedding dropout and final dropout of each stack. */
  stackDropouts: 2,
  /** [B, T, vocab]: lm_head output, log-softmax, one-hot, product, and their gradients. */
  logits: 10,
  /** [heads, L, L] position-bias tables. */
  encoderBias: 4,
  decoderBias: 4,
};

function ffCount(a: Mt5Arch, l: { ffGated: number; ffRelu: number; ffOther: number }): number {
  if (a.gated) return l.ffGated;
  return a.ffActivation === 'relu' ? l.ffRelu : l.ffOther;
}

export function mt5Activations(a: Mt5Arch, s: StepShape, o: ActivationOptions): ActivationEstimate {
  const B = s.batch;
  const Ls = s.seq;
  const T = s.target;
  const D = a.dModel;
  const inner = a.heads * a.dKv;
  const E = MT5_ENCODER_LAYER;
  const Dl = MT5_DECODER_LAYER;
  const O = MT5_OUTER;
  const drop = (sites: number) => (o.dropout && a.dropout > 0 ? DROPOUT_BUFFERS * sites : 0);
  const enc = a.encoderLayers;
  const dec = a.decoderLayers;
  const tr = o.embeddingsTrainable;
  const st = o.stableEmbedding;
  const encModel = enc * (E.model + drop(E.modelDropouts)) + dec * Dl.encoderGrads + (tr ? O.encoderModelTrainable : O.encoderModelFrozen) + (st ? O.stableEncoderModel : 0) + drop(O.stackDropouts);
  const decModel = dec * (Dl.model + drop(Dl.modelDropouts)) + (tr ? O.decoderModelTrainable : O.decoderModelFrozen) + (st ? O.stableDecoderModel : 0) + drop(O.stackDropouts);
  const stRows = st ? O.stableRows : 0;
  const rows = enc * E.rows * B * Ls + dec * Dl.rows * B * T + ((tr ? O.encoderRowsTrainable : O.encoderRowsFrozen) + stRows) * B * Ls + ((tr ? O.decoderRowsTrainable : O.decoderRowsFrozen) + stRows) * B * T;
  const parts = [
    { name: 'encoder self-attention scores', bytes: F32 * enc * (E.scores + drop(E.scoreDropouts)) * B * a.heads * Ls * Ls },
    { name: 'decoder self-attention scores', bytes: F32 * dec * (Dl.selfScores + drop(Dl.scoreDropouts)) * B * a.heads * T * T },
    { name: 'cross-attention scores', bytes: F32 * dec * (Dl.crossScores + drop(Dl.scoreDropouts)) * B * a.heads * T * Ls },
    { name: 'encoder hidden (Q/K/V, residuals, norms)', bytes: F32 * (encModel * B * Ls * D + enc * E.inner * B * Ls * inner + dec * Dl.crossKv * B * Ls * inner) },
    { name: 'decoder hidden (Q/K/V, residuals, norms)', bytes: F32 * (decModel * B * T * D + dec * Dl.inner * B * T * inner) },
    { name: 'FFN intermediate', bytes: F32 * a.dFF * (enc * (ffCount(a, E) + drop(E.ffDropouts)) * B * Ls + dec * (ffCount(a, Dl) + drop(Dl.ffDropouts)) * B * T) },
    { name: 'norm statistics + position bias', bytes: F32 * (rows + a.heads * (O.encoderBias * Ls * Ls + (O.decoderBias + dec * Dl.biasGrads) * T * T)) },
    { name: 'lm_head logits + loss', bytes: F32 * O.logits * B * T * a.vocabSize },
  ];
  // shared.weight is looked up twice (encoder and decoder ids): when it trains, the backward pass ends
  // with two dense [vocab, d_model] gradients and their sum alive together (the sum is the gradient).
  const ws = tr
    ? { bytes: 2 * F32 * a.vocabSize * D, what: 'summing the two dense shared.weight gradients (encoder and decoder lookups)' }
    : { bytes: 0, what: 'none' };
  return finish(parts, ws);
}

export function estimateActivations(arch: ModelArch, s: StepShape, o: ActivationOptions, numLabels = 2): ActivationEstimate {
  return arch.modelType === 'roberta' ? robertaActivations(arch, s, o, numLabels) : mt5Activations(arch, s, o);
}

function finish(parts: { name: string; bytes: number }[], ws: ActivationEstimate['backwardWorkspace']): ActivationEstimate {
  return { parts, bytes: parts.reduce((t, p) => t + p.bytes, 0), backwardWorkspace: ws };
}
