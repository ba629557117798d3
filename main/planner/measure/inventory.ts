// Re-derives the buffer counts of main/planner/activations.ts: one step of models/ on tiny configs whose
// every dimension is distinct, the buffers alive at the peak classified by element count into shape
// classes, and 1- vs 2-layer models differenced to get the per-layer counts; eval mode (the counts)
// and training mode with seeded dropout, as the trainer runs it (training − eval: the dropout buffers).
// Run through `npm run bench:planner -- --inventory`, once as is (the fused kernels of cpu/wasm, when
// the native addon is built) and once with OCTET_FAST_KERNELS=0 (composed ops: the GPU backends' set).
import * as tf from '@tensorflow/tfjs-core';
import { setupBackend } from '../../../kernels/setup.ts';
import { createRandomModel, parseModelConfig, toBatch } from '../../../models/index.ts';
import { kernelSetFor } from '../kernelSet.ts';
import { trackTensorPeak, type EngineLike } from '../tensorPeak.ts';

export type ClassCounts = Record<string, number>;

interface Options {
  freeze?: boolean;
  stable?: boolean;
  training?: boolean;
}

async function peakClasses(
  raw: Record<string, unknown>, arch: 'RobertaForSequenceClassification' | 'MT5ForConditionalGeneration',
  batch: Parameters<typeof toBatch>[0], classes: Record<string, number>, opts: Options = {},
): Promise<ClassCounts> {
  await setupBackend('cpu');
  const tr = trackTensorPeak(tf.engine() as unknown as EngineLike, { recordPeakSet: true });
  const model = createRandomModel(parseModelConfig(raw), { architecture: arch, seed: 3 });
  if (opts.stable) model.useStableEmbedding(4);
  if (opts.freeze) model.freeze({ embeddings: true });
  const b = toBatch(batch);
  try {
    tr.resetPeak();
    const ctx = opts.training ? { training: true, seed: 11 } : { training: false };
    const { value, grads } = tf.variableGrads(() => model.loss(b, ctx), model.trainableVariables());
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

/** a − b, nonzero entries only. */
const diff = (a: ClassCounts, b: ClassCounts): ClassCounts =>
  Object.fromEntries(Object.keys({ ...a, ...b }).map((k): [string, number] => [k, (a[k] ?? 0) - (b[k] ?? 0)]).filter(([, v]) => v !== 0));

/**
 * RoBERTa: B=2, L=5, H=12, heads 3, I=28, vocab 37, 3 labels. Classes: hidden [B,L,H], inter [B,L,I],
 * scores [B,heads,L,L], rows [B,L], head [B,H], logits [B,labels], batch [B].
 */
export async function robertaInventory(): Promise<Record<string, unknown>> {
  const B = 2, L = 5, H = 12, I = 28;
  const raw = (layers: number) => ({ model_type: 'roberta', vocab_size: 37, hidden_size: H, num_hidden_layers: layers, num_attention_heads: 3,
    intermediate_size: I, max_position_embeddings: 9, type_vocab_size: 1, pad_token_id: 1, num_labels: 3, layer_norm_eps: 1e-5 });
  const batch = { inputIds: [[0, 5, 6, 7, 2], [0, 8, 2, 1, 1]], attentionMask: [[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]], labels: [0, 2] };
  const classes = { hidden: B * L * H, inter: B * L * I, scores: B * 3 * L * L, rows: B * L, head: B * H, logits: B * 3, batch: B };
  const out: Record<string, unknown> = { kernels: kernelSetFor('cpu') };
  for (const training of [false, true]) {
    const c = (layers: number, o: Options = {}) => peakClasses(raw(layers), 'RobertaForSequenceClassification', batch, classes, { ...o, training });
    const one = await c(1);
    const perLayer = diff(await c(2), one);
    out[training ? 'training' : 'eval'] = {
      perLayer, outer: diff(one, perLayer), outerFrozen: diff(await c(1, { freeze: true }), perLayer), stableExtra: diff(await c(1, { stable: true }), one),
    };
  }
  return out;
}

/**
 * mT5: B=2, Ls=5, T=3, d_model 12, 2 heads × 4 (inner 8), d_ff 22, vocab 37, 7 position buckets; gated
 * GELU FFN, and plain ReLU / GELU ones. Classes per stack: model, inner, FF, scores, rows; the joint
 * lookup of encoder and decoder ids (pair: [B·(Ls+T), d_model] and its rows); position-bias tables.
 */
export async function mt5Inventory(): Promise<Record<string, unknown>> {
  const B = 2, Ls = 5, T = 3, D = 12, inner = 8, F = 22;
  const raw = (enc: number, dec: number, ffn: string) => ({ model_type: 'mt5', vocab_size: 37, d_model: D, d_kv: 4, d_ff: F, num_heads: 2, num_layers: enc,
    num_decoder_layers: dec, relative_attention_num_buckets: 7, relative_attention_max_distance: 16, feed_forward_proj: ffn, tie_word_embeddings: false });
  const batch = { inputIds: [[5, 6, 7, 8, 1], [9, 10, 1, 0, 0]], attentionMask: [[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]], labels: [[11, 12, 1], [13, 1, -100]] };
  const classes = {
    encModel: B * Ls * D, encInner: B * Ls * inner, encFF: B * Ls * F, encScores: B * 2 * Ls * Ls, encRows: B * Ls,
    decModel: B * T * D, decInner: B * T * inner, decFF: B * T * F, decScores: B * 2 * T * T, crossScores: B * 2 * T * Ls, decRows: B * T,
    pairModel: B * (Ls + T) * D, pairRows: B * (Ls + T), encBias: 2 * Ls * Ls, decBias: 2 * T * T, logits: B * T * 37,
  };
  const out: Record<string, unknown> = { kernels: kernelSetFor('cpu') };
  for (const ffn of ['gated-gelu', 'relu', 'gelu']) {
    for (const training of [false, true]) {
      for (const [label, o] of [['', {}], [' frozen', { freeze: true }], [' stable', { stable: true }]] as const) {
        if (ffn !== 'gated-gelu' && label) continue;
        const c = (enc: number, dec: number) => peakClasses(raw(enc, dec, ffn), 'MT5ForConditionalGeneration', batch, classes, { ...o, training });
        const a = await c(1, 1);
        const encoderLayer = diff(await c(2, 1), a);
        const decoderLayer = diff(await c(1, 2), a);
        out[`${ffn}${label} ${training ? 'training' : 'eval'}`] = { encoderLayer, decoderLayer, outer: diff(diff(a, encoderLayer), decoderLayer) };
      }
    }
  }
  return out;
}
