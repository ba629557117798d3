// Parameter tensors (Hugging Face names and shapes) derived from a config by our own formulas, so the
// planner does not depend on models/ and a test can compare the two independently.
import type { ModelArch, Mt5Arch, RobertaArch } from './modelConfig.ts';

export type ParamGroup = 'embeddings' | 'encoder' | 'decoder' | 'lm_head' | 'classifier';

export interface ParamTensor {
  name: string;
  shape: number[];
  size: number;
  group: ParamGroup;
  /** The token embedding matrix (roberta word_embeddings, mt5 shared): where a stable embedding applies. */
  tokenEmbedding: boolean;
}

export interface ParamOptions {
  /** Classification labels (1 = regression head). RoBERTa only; default 2. */
  numLabels?: number;
  /** The stable embedding adds a LayerNorm (weight + bias) after the token lookup. */
  stableEmbedding?: boolean;
}

function tensor(name: string, shape: number[], group: ParamGroup, tokenEmbedding = false): ParamTensor {
  return { name, shape, size: shape.reduce((a, b) => a * b, 1), group, tokenEmbedding };
}

/** RobertaForSequenceClassification: no pooler; head = dense(H,H) + tanh + out_proj(H, labels). */
function robertaParams(a: RobertaArch, opts: ParamOptions): ParamTensor[] {
  const H = a.hidden;
  const I = a.intermediate;
  const labels = opts.numLabels ?? a.numLabels ?? 2;
  const e = 'roberta.embeddings';
  /** nn.Linear(in, out): weight [out, in] and bias [out]. */
  const linear = (p: string, outDim: number, inDim: number, group: ParamGroup) => [tensor(`${p}.weight`, [outDim, inDim], group), tensor(`${p}.bias`, [outDim], group)];
  const layerNorm = (p: string, group: ParamGroup) => [tensor(`${p}.weight`, [H], group), tensor(`${p}.bias`, [H], group)];
  const out: ParamTensor[] = [
    tensor(`${e}.word_embeddings.weight`, [a.vocabSize, H], 'embeddings', true),
    tensor(`${e}.position_embeddings.weight`, [a.maxPositions, H], 'embeddings'),
    tensor(`${e}.token_type_embeddings.weight`, [a.typeVocab, H], 'embeddings'),
    ...layerNorm(`${e}.LayerNorm`, 'embeddings'),
  ];
  if (opts.stableEmbedding) out.push(...layerNorm(`${e}.word_embeddings.norm`, 'embeddings'));
  for (let i = 0; i < a.layers; i++) {
    const p = `roberta.encoder.layer.${i}`;
    for (const n of ['query', 'key', 'value']) out.push(...linear(`${p}.attention.self.${n}`, H, H, 'encoder'));
    out.push(
      ...linear(`${p}.attention.output.dense`, H, H, 'encoder'),
      ...layerNorm(`${p}.attention.output.LayerNorm`, 'encoder'),
      ...linear(`${p}.intermediate.dense`, I, H, 'encoder'),
      ...linear(`${p}.output.dense`, H, I, 'encoder'),
      ...layerNorm(`${p}.output.LayerNorm`, 'encoder'),
    );
  }
  out.push(...linear('classifier.dense', H, H, 'classifier'), ...linear('classifier.out_proj', labels, H, 'classifier'));
  return out;
}

/** MT5ForConditionalGeneration: shared embedding, relative bias in block 0 of each stack, no biases anywhere. */
function mt5Params(a: Mt5Arch, opts: ParamOptions): ParamTensor[] {
  const D = a.dModel;
  const inner = a.heads * a.dKv;
  const out: ParamTensor[] = [tensor('shared.weight', [a.vocabSize, D], 'embeddings', true)];
  if (opts.stableEmbedding) {
    out.push(tensor('shared.norm.weight', [D], 'embeddings'), tensor('shared.norm.bias', [D], 'embeddings'));
  }
  const attention = (p: string, group: ParamGroup, withBias: boolean) => {
    out.push(
      tensor(`${p}.q.weight`, [inner, D], group),
      tensor(`${p}.k.weight`, [inner, D], group),
      tensor(`${p}.v.weight`, [inner, D], group),
      tensor(`${p}.o.weight`, [D, inner], group),
    );
    if (withBias) out.push(tensor(`${p}.relative_attention_bias.weight`, [a.numBuckets, a.heads], group));
  };
  const ff = (p: string, group: ParamGroup) => {
    if (a.gated) out.push(tensor(`${p}.wi_0.weight`, [a.dFF, D], group), tensor(`${p}.wi_1.weight`, [a.dFF, D], group));
    else out.push(tensor(`${p}.wi.weight`, [a.dFF, D], group));
    out.push(tensor(`${p}.wo.weight`, [D, a.dFF], group));
  };
  for (let i = 0; i < a.encoderLayers; i++) {
    const b = `encoder.block.${i}`;
    attention(`${b}.layer.0.SelfAttention`, 'encoder', i === 0);
    out.push(tensor(`${b}.layer.0.layer_norm.weight`, [D], 'encoder'));
    ff(`${b}.layer.1.DenseReluDense`, 'encoder');
    out.push(tensor(`${b}.layer.1.layer_norm.weight`, [D], 'encoder'));
  }
  out.push(tensor('encoder.final_layer_norm.weight', [D], 'encoder'));
  for (let i = 0; i < a.decoderLayers; i++) {
    const b = `decoder.block.${i}`;
    attention(`${b}.layer.0.SelfAttention`, 'decoder', i === 0);
    out.push(tensor(`${b}.layer.0.layer_norm.weight`, [D], 'decoder'));
    attention(`${b}.layer.1.EncDecAttention`, 'decoder', false);
    out.push(tensor(`${b}.layer.1.layer_norm.weight`, [D], 'decoder'));
    ff(`${b}.layer.2.DenseReluDense`, 'decoder');
    out.push(tensor(`${b}.layer.2.layer_norm.weight`, [D], 'decoder'));
  }
  out.push(tensor('decoder.final_layer_norm.weight', [D], 'decoder'));
  if (!a.tiedEmbeddings) out.push(tensor('lm_head.weight', [a.vocabSize, D], 'lm_head'));
  return out;
}

export function parameterTensors(arch: ModelArch, opts: ParamOptions = {}): ParamTensor[] {
  return arch.modelType === 'roberta' ? robertaParams(arch, opts) : mt5Params(arch, opts);
}

export function countParameters(tensors: readonly ParamTensor[]): number {
  return tensors.reduce((s, t) => s + t.size, 0);
}
