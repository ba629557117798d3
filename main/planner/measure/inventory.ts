// Re-derives the buffer counts of main/planner/activations.ts: one step (eval mode) of models/ on tiny
// configs whose every dimension is distinct, the buffers alive at the peak classified by element count
// into shape classes, and 1- vs 2-layer models differenced to get the per-layer counts.
// Run through `npm run bench:planner -- --inventory`.
import * as tf from '@tensorflow/tfjs-core';
import { setupBackend } from '../../../kernels/setup.ts';
import { createRandomModel, parseModelConfig, toBatch } from '../../../models/index.ts';
import { trackTensorPeak, type EngineLike } from '../tensorPeak.ts';

export type ClassCounts = Record<string, number>;

async function peakClasses(
  raw: Record<string, unknown>, arch: 'RobertaForSequenceClassification' | 'MT5ForConditionalGeneration',
  batch: Parameters<typeof toBatch>[0], classes: Record<string, number>, opts: { freeze?: boolean; stable?: boolean } = {},
): Promise<ClassCounts> {
  await setupBackend('cpu');
  const tr = trackTensorPeak(tf.engine() as unknown as EngineLike, { recordPeakSet: true });
  const model = createRandomModel(parseModelConfig(raw), { architecture: arch, seed: 3 });
  if (opts.stable) model.useStableEmbedding(4);
  if (opts.freeze) model.freeze({ embeddings: true });
  const b = toBatch(batch);
  try {
    tr.resetPeak();
    const { value, grads } = tf.variableGrads(() => model.loss(b, { training: false }), model.trainableVariables());
    tf.dispose([value, grads]);
    const byCount = new Map(Object.entries(classes).map(([k, v]) => [v, k]));
    const out: ClassCounts = {};
    for (const buf of tr.peakBuffers()) {
      const k = byCount.get(buf.bytes / 4);
      if (k) out[k] = (out[k] ?? 0) + 1;
    }
    return out;
  } finally {
    tf.dispose(Object.values(b).filter((t): t is tf.Tensor => t instanceof tf.Tensor));
    model.dispose();
    tr.stop();
  }
}

const diff = (a: ClassCounts, b: ClassCounts): ClassCounts => Object.fromEntries(Object.keys({ ...a, ...b }).map((k) => [k, (a[k] ?? 0) - (b[k] ?? 0)]));

/** RoBERTa: B=2, L=5, H=12, heads 3, I=28, vocab 37. Classes: NH, NI, S = [B,heads,L,L], N = rows. */
export async function robertaInventory(): Promise<{ perLayer: ClassCounts; outer: ClassCounts; outerFrozen: ClassCounts; stableExtra: ClassCounts }> {
  const B = 2, L = 5, H = 12, I = 28;
  const raw = (layers: number) => ({ model_type: 'roberta', vocab_size: 37, hidden_size: H, num_hidden_layers: layers, num_attention_heads: 3,
    intermediate_size: I, max_position_embeddings: 9, type_vocab_size: 1, pad_token_id: 1, num_labels: 3, layer_norm_eps: 1e-5 });
  const batch = { inputIds: [[0, 5, 6, 7, 2], [0, 8, 2, 1, 1]], attentionMask: [[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]], labels: [0, 2] };
  const classes = { hidden: B * L * H, inter: B * L * I, scores: B * 3 * L * L, rows: B * L };
  const one = await peakClasses(raw(1), 'RobertaForSequenceClassification', batch, classes);
  const two = await peakClasses(raw(2), 'RobertaForSequenceClassification', batch, classes);
  const frozen = await peakClasses(raw(1), 'RobertaForSequenceClassification', batch, classes, { freeze: true });
  const stable = await peakClasses(raw(1), 'RobertaForSequenceClassification', batch, classes, { stable: true });
  const perLayer = diff(two, one);
  return { perLayer, outer: diff(one, perLayer), outerFrozen: diff(frozen, perLayer), stableExtra: diff(stable, one) };
}

/** mT5: B=2, Ls=5, T=3, d_model 12, 2 heads × 4 (inner 8), d_ff 22, vocab 37. */
export async function mt5Inventory(): Promise<{ encoderLayer: ClassCounts; decoderLayer: ClassCounts; outer: ClassCounts }> {
  const B = 2, Ls = 5, T = 3, D = 12, inner = 8, F = 22;
  const raw = (enc: number, dec: number) => ({ model_type: 'mt5', vocab_size: 37, d_model: D, d_kv: 4, d_ff: F, num_heads: 2, num_layers: enc, num_decoder_layers: dec,
    relative_attention_num_buckets: 8, relative_attention_max_distance: 16, feed_forward_proj: 'gated-gelu', tie_word_embeddings: false });
  const batch = { inputIds: [[5, 6, 7, 8, 1], [9, 10, 1, 0, 0]], attentionMask: [[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]], labels: [[11, 12, 1], [13, 1, -100]] };
  const classes = { encModel: B * Ls * D, encInner: B * Ls * inner, encFF: B * Ls * F, encScores: B * 2 * Ls * Ls, decModel: B * T * D, decInner: B * T * inner,
    decFF: B * T * F, decScores: B * 2 * T * T, crossScores: B * 2 * T * Ls, logits: B * T * 37 };
  const a = await peakClasses(raw(1, 1), 'MT5ForConditionalGeneration', batch, classes);
  const e = await peakClasses(raw(2, 1), 'MT5ForConditionalGeneration', batch, classes);
  const d = await peakClasses(raw(1, 2), 'MT5ForConditionalGeneration', batch, classes);
  const encoderLayer = diff(e, a);
  const decoderLayer = diff(d, a);
  return { encoderLayer, decoderLayer, outer: diff(diff(a, encoderLayer), decoderLayer) };
}
