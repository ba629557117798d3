// RoBERTa parameter names, shapes, groups and initializers, exactly as transformers names them.
import type { RobertaConfig } from '../config/roberta.ts';
import type { ParamSpec } from '../params/spec.ts';

export type RobertaArchitecture = 'RobertaForSequenceClassification' | 'RobertaForMaskedLM';

export const WORD_EMBEDDINGS = 'roberta.embeddings.word_embeddings.weight';
export const STABLE_NORM_WEIGHT = 'roberta.embeddings.word_embeddings.norm.weight';
export const STABLE_NORM_BIAS = 'roberta.embeddings.word_embeddings.norm.bias';

export function robertaLayerPrefix(i: number): string {
  return `roberta.encoder.layer.${i}`;
}

export function robertaSpecs(c: RobertaConfig, arch: RobertaArchitecture): ParamSpec[] {
  const H = c.hiddenSize;
  const std = c.initializerRange;
  const specs: ParamSpec[] = [];
  const linear = (name: string, out: number, inF: number, group: ParamSpec['group'], extra: Partial<ParamSpec> = {}) => {
    specs.push({ name: `${name}.weight`, shape: [out, inF], group, init: { kind: 'normal', std }, ...extra });
    specs.push({ name: `${name}.bias`, shape: [out], group, init: { kind: 'zeros' }, ...extra });
  };
  const norm = (name: string, group: ParamSpec['group'], extra: Partial<ParamSpec> = {}) => {
    specs.push({ name: `${name}.weight`, shape: [H], group, init: { kind: 'ones' }, ...extra });
    specs.push({ name: `${name}.bias`, shape: [H], group, init: { kind: 'zeros' }, ...extra });
  };

  if (c.stableEmbedding) {
    specs.push({ name: WORD_EMBEDDINGS, shape: [c.vocabSize, H], group: 'embeddings', init: { kind: 'xavierUniform', zeroRow: c.padTokenId }, stableEmbedding: true });
    norm('roberta.embeddings.word_embeddings.norm', 'embeddings');
  } else {
    specs.push({ name: WORD_EMBEDDINGS, shape: [c.vocabSize, H], group: 'embeddings', init: { kind: 'normal', std, zeroRow: c.padTokenId } });
  }
  specs.push({
    name: 'roberta.embeddings.position_embeddings.weight', shape: [c.maxPositionEmbeddings, H], group: 'embeddings',
    init: { kind: 'normal', std, zeroRow: c.padTokenId },
  });
  specs.push({ name: 'roberta.embeddings.token_type_embeddings.weight', shape: [c.typeVocabSize, H], group: 'embeddings', init: { kind: 'normal', std } });
  norm('roberta.embeddings.LayerNorm', 'embeddings');

  for (let i = 0; i < c.numHiddenLayers; i++) {
    const p = robertaLayerPrefix(i);
    linear(`${p}.attention.self.query`, H, H, 'encoder');
    linear(`${p}.attention.self.key`, H, H, 'encoder');
    linear(`${p}.attention.self.value`, H, H, 'encoder');
    linear(`${p}.attention.output.dense`, H, H, 'encoder');
    norm(`${p}.attention.output.LayerNorm`, 'encoder');
    linear(`${p}.intermediate.dense`, c.intermediateSize, H, 'encoder');
    linear(`${p}.output.dense`, H, c.intermediateSize, 'encoder');
    norm(`${p}.output.LayerNorm`, 'encoder');
  }

  if (arch === 'RobertaForSequenceClassification') {
    linear('classifier.dense', H, H, 'head', { taskHead: true });
    linear('classifier.out_proj', c.numLabels, H, 'head', { taskHead: true });
  } else {
    linear('lm_head.dense', H, H, 'head', { lmHead: true });
    norm('lm_head.layer_norm', 'head', { lmHead: true });
    if (!c.tieWordEmbeddings) {
      specs.push({ name: 'lm_head.decoder.weight', shape: [c.vocabSize, H], group: 'head', init: { kind: 'normal', std }, lmHead: true });
    }
    specs.push({ name: 'lm_head.bias', shape: [c.vocabSize], group: 'head', init: { kind: 'zeros' }, lmHead: true });
  }
  return specs;
}

/** Other names under which a checkpoint may hold a parameter (tied or legacy names). */
export function robertaAliases(name: string): string[] {
  if (name === 'lm_head.bias') return ['lm_head.decoder.bias'];
  return [];
}

/** Tensors that real checkpoints carry and this architecture does not use. */
export function robertaIgnorable(name: string, arch: RobertaArchitecture, c: RobertaConfig): boolean {
  if (name === 'roberta.embeddings.position_ids' || name.startsWith('roberta.pooler.')) return true;
  if (arch === 'RobertaForMaskedLM') {
    if (name === 'lm_head.decoder.bias') return true;
    if (name === 'lm_head.decoder.weight' && c.tieWordEmbeddings) return true;
  }
  return false;
}

/** Tensors of the other head (a masked-LM checkpoint fine-tuned for classification, or back). */
export function robertaOtherHead(name: string, arch: RobertaArchitecture): boolean {
  return arch === 'RobertaForSequenceClassification' ? name.startsWith('lm_head.') : name.startsWith('classifier.');
}
