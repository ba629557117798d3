// Greedy and beam-search decoding with the semantics of transformers' generate() (no logits
// processors). Each step runs the decoder for the new position only, from the keys and values of the
// tokens before it (DecoderStep.incremental, as transformers' use_cache); with useCache: false, or a model
// without it, each step recomputes the decoder over the whole prefix (the same tokens: tested).
import * as tf from '@tensorflow/tfjs-core';

export interface GenerateOptions {
  /** New tokens after the start token (HF max_new_tokens). Default 20. */
  maxNewTokens?: number;
  decoderStartTokenId?: number;
  eosTokenId?: number;
  padTokenId?: number;
  /** > 1 selects beam search. */
  numBeams?: number;
  /** Keep the decoder's keys and values between steps (default true); false recomputes every prefix. */
  useCache?: boolean;
}

export interface BeamOptions {
  numBeams: number;
  /** Score = sum of log-probs / generated_length ** lengthPenalty. Default 1. */
  lengthPenalty: number;
  /** true: stop a row once numBeams hypotheses are finished. Default false (HF default). */
  earlyStopping: boolean;
}

export interface GenerationResult {
  /** Decoder tokens, starting with the start token; ends with EOS when it stopped on it. */
  sequence: number[];
  /** `sequence` without the start token. */
  newTokens: number[];
  stoppedOnEos: boolean;
  /** Greedy: the chosen token's logit at each step. Empty for beam search. */
  tokenLogits: number[];
  /** Greedy: top-1 minus top-2 logit at each step (how decisive each choice was). Empty for beam search. */
  margins: number[];
  /** Beam search: the hypothesis score (length-normalized sum of log-probs). Greedy: sum of log-probs. */
  score: number;
}

export interface DecoderStep {
  encode(inputIds: tf.Tensor2D, attentionMask: tf.Tensor2D | undefined): tf.Tensor3D;
  /** Logits of the last decoder position: [rows, vocab]. */
  nextLogits(decoderIds: tf.Tensor2D, encoderHidden: tf.Tensor, attentionMask: tf.Tensor2D | undefined): tf.Tensor2D;
  /** Incremental decoding over one encoder output, where the model has it. */
  incremental?(encoderHidden: tf.Tensor, attentionMask: tf.Tensor2D | undefined): IncrementalDecoding;
}

export interface IncrementalDecoding {
  /** Logits [rows, vocab] of each row's next token, given each row's newest token. */
  next(lastTokens: number[]): tf.Tensor2D;
  /** Row j continues row rows[j] (beam search). */
  reorder(rows: number[]): void;
  dispose(): void;
}

interface Resolved {
  maxNewTokens: number;
  decoderStartTokenId: number;
  eosTokenId: number;
  padTokenId: number;
  useCache?: boolean;
}

interface NextTokens {
  /** Logits [rows, vocab] of each prefix's next token. */
  logits(prefixes: number[][]): tf.Tensor2D;
  reorder(rows: number[]): void;
  dispose(): void;
}

/** From the cache where the model has one (and useCache, the default), else from the whole prefixes again. */
function nextTokens(step: DecoderStep, encoded: tf.Tensor, attentionMask: tf.Tensor2D | undefined, useCache = true): NextTokens {
  const inc = useCache && step.incremental ? step.incremental(encoded, attentionMask) : null;
  return {
    logits: (prefixes) => inc
      ? inc.next(prefixes.map((p) => p[p.length - 1]))
      : tf.tidy(() => step.nextLogits(tf.tensor2d(prefixes.flat(), [prefixes.length, prefixes[0].length], 'int32'), encoded, attentionMask)),
    reorder: (rows) => inc?.reorder(rows),
    dispose: () => inc?.dispose(),
  };
}

export async function greedySearch(step: DecoderStep, inputIds: tf.Tensor2D, attentionMask: tf.Tensor2D | undefined, o: Resolved): Promise<GenerationResult[]> {
  const batch = inputIds.shape[0];
  const encoded = step.encode(inputIds, attentionMask);
  const rows: GenerationResult[] = Array.from({ length: batch }, () => ({
    sequence: [o.decoderStartTokenId], newTokens: [], stoppedOnEos: false, tokenLogits: [], margins: [], score: 0,
  }));
  const prefixes = rows.map(() => [o.decoderStartTokenId]);
  const decoding = nextTokens(step, encoded, attentionMask, o.useCache);
  try {
    for (let s = 0; s < o.maxNewTokens && rows.some((r) => !r.stoppedOnEos); s++) {
      const logits = decoding.logits(prefixes);
      // log Σ exp per row on the backend's kernels: in JavaScript it cost 28 ms a step at 8 × 250k logits.
      const logNorm = tf.logSumExp(logits, -1);
      const [values, norms] = await Promise.all([logits.data(), logNorm.data()]);
      tf.dispose([logits, logNorm]);
      const vocab = values.length / batch;
      for (let b = 0; b < batch; b++) {
        const r = rows[b];
        if (r.stoppedOnEos) {
          prefixes[b].push(o.padTokenId); // finished rows are padded, as HF does in a batch
          continue;
        }
        const row = values.subarray(b * vocab, (b + 1) * vocab);
        // The first largest logit and the largest of the others, in one pass.
        let best = 0;
        let second = -Infinity;
        for (let i = 1; i < vocab; i++) {
          const v = row[i];
          if (v > row[best]) {
            second = row[best];
            best = i;
          } else if (v > second) second = v;
        }
        r.score += row[best] - norms[b];
        r.tokenLogits.push(row[best]);
        r.margins.push(row[best] - second);
        r.newTokens.push(best);
        r.sequence.push(best);
        prefixes[b].push(best);
        if (best === o.eosTokenId) r.stoppedOnEos = true;
      }
    }
  } finally {
    decoding.dispose();
    encoded.dispose();
  }
  return rows;
}

interface Hypothesis {
  score: number;
  tokens: number[];
  eos: boolean;
}

/** BeamHypotheses of transformers: keeps the numBeams best finished hypotheses. */
class Hypotheses {
  readonly beams: Hypothesis[] = [];
  worst = 1e9;
  constructor(private readonly numBeams: number, private readonly lengthPenalty: number, private readonly earlyStopping: boolean) {}

  add(tokens: number[], sumLogprobs: number, generatedLen: number, eos: boolean): void {
    const score = sumLogprobs / generatedLen ** this.lengthPenalty;
    if (this.beams.length < this.numBeams || score > this.worst) {
      this.beams.push({ score, tokens, eos });
      if (this.beams.length > this.numBeams) {
        const order = this.beams.map((h, i) => [h.score, i] as const).sort((a, b) => a[0] - b[0]);
        this.beams.splice(order[0][1], 1);
        this.worst = order[1][0];
      } else {
        this.worst = Math.min(score, this.worst);
      }
    }
  }

  isDone(bestSumLogprobs: number, generatedLen: number): boolean {
    if (this.beams.length < this.numBeams) return false;
    if (this.earlyStopping) return true;
    return this.worst >= bestSumLogprobs / generatedLen ** this.lengthPenalty;
  }
}

export async function beamSearch(
  step: DecoderStep, inputIds: tf.Tensor2D, attentionMask: tf.Tensor2D | undefined, o: Resolved & BeamOptions,
): Promise<GenerationResult[]> {
  const batch = inputIds.shape[0];
  const k = o.numBeams;
  const maxLength = 1 + o.maxNewTokens; // the decoder prompt is the start token
  const expand = tf.tensor1d(Array.from({ length: batch * k }, (_, i) => Math.floor(i / k)), 'int32');
  const encoded = tf.tidy(() => tf.gather(step.encode(inputIds, attentionMask), expand));
  const mask = attentionMask ? tf.gather(attentionMask, expand) : undefined;
  expand.dispose();
  let beams: number[][] = Array.from({ length: batch * k }, () => [o.decoderStartTokenId]);
  let beamScores: number[] = Array.from({ length: batch * k }, (_, i) => (i % k === 0 ? 0 : -1e9));
  const hyps = Array.from({ length: batch }, () => new Hypotheses(k, o.lengthPenalty, o.earlyStopping));
  const done = new Array<boolean>(batch).fill(false);
  const decoding = nextTokens(step, encoded, mask, o.useCache);
  try {
    while (beams[0].length < maxLength && !done.every(Boolean)) {
      const curLen = beams[0].length + 1; // length the new scores are computed on
      const logits = decoding.logits(beams);
      const { values, indices, vocabSize } = tf.tidy(() => {
        const logp = tf.logSoftmax(logits, -1);
        const scored = tf.add(logp, tf.tensor2d(beamScores, [batch * k, 1]));
        const top = tf.topk(tf.reshape(scored, [batch, -1]), 2 * k, true);
        return { values: top.values, indices: top.indices, vocabSize: scored.shape[1] as number };
      });
      logits.dispose();
      const topValues = await values.data();
      const topIndices = await indices.data();
      values.dispose();
      indices.dispose();
      const nextBeams: number[][] = [];
      const sources: number[] = []; // the row each next beam continues
      const nextScores: number[] = [];
      for (let b = 0; b < batch; b++) {
        if (done[b]) {
          for (let j = 0; j < k; j++) {
            nextBeams.push([...beams[b * k], o.padTokenId]);
            sources.push(b * k);
            nextScores.push(0);
          }
          continue;
        }
        let filled = 0;
        for (let rank = 0; rank < 2 * k && filled < k; rank++) {
          const flat = topIndices[b * 2 * k + rank];
          const score = topValues[b * 2 * k + rank];
          const beam = Math.floor(flat / vocabSize);
          const token = flat % vocabSize;
          const prefix = beams[b * k + beam];
          if (token === o.eosTokenId) {
            if (rank >= k) continue;
            hyps[b].add([...prefix, token], score, curLen - 1, true);
          } else {
            nextBeams.push([...prefix, token]);
            sources.push(b * k + beam);
            nextScores.push(score);
            filled++;
          }
        }
        if (filled < k) throw new Error(`beam search: only ${filled} of ${k} beams could continue`);
        let best = -Infinity;
        for (let rank = 0; rank < 2 * k; rank++) best = Math.max(best, topValues[b * 2 * k + rank]);
        done[b] = done[b] || hyps[b].isDone(best, curLen - 1);
      }
      beams = nextBeams;
      decoding.reorder(sources);
      beamScores = nextScores;
    }
    for (let b = 0; b < batch; b++) {
      if (done[b]) continue;
      for (let j = 0; j < k; j++) hyps[b].add(beams[b * k + j], beamScores[b * k + j], beams[b * k + j].length - 1, false);
    }
  } finally {
    decoding.dispose();
    encoded.dispose();
    mask?.dispose();
  }
  return hyps.map((h) => {
    const best = [...h.beams].sort((a, b) => b.score - a.score)[0];
    return {
      sequence: best.tokens,
      newTokens: best.tokens.slice(1),
      stoppedOnEos: best.eos,
      tokenLogits: [],
      margins: [],
      score: best.score,
    };
  });
}
