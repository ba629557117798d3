// mT5 parameter names, shapes, groups and initializers (T5PreTrainedModel._init_weights).
import type { MT5Config } from '../config/mt5.ts';
import type { ParamGroup, ParamSpec } from '../params/spec.ts';

export const SHARED = 'shared.weight';
export const SHARED_NORM_WEIGHT = 'shared.norm.weight';
export const SHARED_NORM_BIAS = 'shared.norm.bias';
export const EMBED_ALIASES = ['encoder.embed_tokens.weight', 'decoder.embed_tokens.weight'];

export function relativeBiasName(stack: 'encoder' | 'decoder'): string {
  return `${stack}.block.0.layer.0.SelfAttention.relative_attention_bias.weight`;
}

export function mt5Specs(c: MT5Config): ParamSpec[] {
  const f = c.initializerFactor;
  const d = c.dModel;
  const inner = c.numHeads * c.dKv;
  const specs: ParamSpec[] = [];
  const w = (name: string, shape: number[], std: number, group: ParamGroup, extra: Partial<ParamSpec> = {}) =>
    specs.push({ name, shape, group, init: { kind: 'normal', std }, ...extra });
  const ones = (name: string, group: ParamGroup) => specs.push({ name, shape: [d], group, init: { kind: 'ones' } });

  if (c.stableEmbedding) {
    specs.push({ name: SHARED, shape: [c.vocabSize, d], group: 'embeddings', init: { kind: 'xavierUniform', zeroRow: c.padTokenId }, stableEmbedding: true });
    ones(SHARED_NORM_WEIGHT, 'embeddings');
    specs.push({ name: SHARED_NORM_BIAS, shape: [d], group: 'embeddings', init: { kind: 'zeros' } });
  } else {
    w(SHARED, [c.vocabSize, d], f * 1.0, 'embeddings');
  }

  const attention = (prefix: string, group: ParamGroup, withBias: boolean) => {
    w(`${prefix}.q.weight`, [inner, d], f * (d * c.dKv) ** -0.5, group);
    w(`${prefix}.k.weight`, [inner, d], f * d ** -0.5, group);
    w(`${prefix}.v.weight`, [inner, d], f * d ** -0.5, group);
    w(`${prefix}.o.weight`, [d, inner], f * (c.numHeads * c.dKv) ** -0.5, group);
    if (withBias) w(`${prefix}.relative_attention_bias.weight`, [c.relativeAttentionNumBuckets, c.numHeads], f * d ** -0.5, group);
  };
  const feedForward = (prefix: string, group: ParamGroup) => {
    if (c.isGatedAct) {
      w(`${prefix}.DenseReluDense.wi_0.weight`, [c.dFf, d], f * d ** -0.5, group);
      w(`${prefix}.DenseReluDense.wi_1.weight`, [c.dFf, d], f * d ** -0.5, group);
    } else {
      w(`${prefix}.DenseReluDense.wi.weight`, [c.dFf, d], f * d ** -0.5, group);
    }
    w(`${prefix}.DenseReluDense.wo.weight`, [d, c.dFf], f * c.dFf ** -0.5, group);
    ones(`${prefix}.layer_norm.weight`, group);
  };

  for (let i = 0; i < c.numLayers; i++) {
    attention(`encoder.block.${i}.layer.0.SelfAttention`, 'encoder', i === 0);
    ones(`encoder.block.${i}.layer.0.layer_norm.weight`, 'encoder');
    feedForward(`encoder.block.${i}.layer.1`, 'encoder');
  }
  ones('encoder.final_layer_norm.weight', 'encoder');
  for (let i = 0; i < c.numDecoderLayers; i++) {
    attention(`decoder.block.${i}.layer.0.SelfAttention`, 'decoder', i === 0);
    ones(`decoder.block.${i}.layer.0.layer_norm.weight`, 'decoder');
    attention(`decoder.block.${i}.layer.1.EncDecAttention`, 'decoder', false);
    ones(`decoder.block.${i}.layer.1.layer_norm.weight`, 'decoder');
    feedForward(`decoder.block.${i}.layer.2`, 'decoder');
  }
  ones('decoder.final_layer_norm.weight', 'decoder');
  if (!c.tieWordEmbeddings) w('lm_head.weight', [c.vocabSize, d], f * 1.0, 'head', { lmHead: true });
  return specs;
}

export function mt5Aliases(name: string): string[] {
  return name === SHARED ? EMBED_ALIASES : [];
}

export function mt5Ignorable(name: string, c: MT5Config): boolean {
  if (EMBED_ALIASES.includes(name)) return true;
  if (name === 'decoder.block.0.layer.1.EncDecAttention.relative_attention_bias.weight') return true;
  if (name === 'lm_head.weight' && c.tieWordEmbeddings) return true;
  return false;
}
