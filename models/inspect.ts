// ModelInfo (common/models.ts) for the UI and the planner: from a model folder without loading any
// weights (config.json + safetensors headers), or from a built model.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelInfo, ParameterGroupCount } from '../common/models.ts';
import type { Task } from '../common/runConfig.ts';
import { readModelConfig, resolveArchitecture, type Architecture, type ModelConfig } from './config/index.ts';
import { specsFor, type AnyModel } from './factory.ts';
import { openCheckpoint } from './io/checkpoint.ts';
import { DTYPE_BYTES } from './io/safetensors.ts';
import { countParameters, PARAM_GROUPS, type ParamSpec } from './params/spec.ts';
import { TOKENIZER_FILE } from './tokenizer.ts';

export function taskOf(config: ModelConfig): Task {
  if (config.modelType === 'mt5') return 'seq2seq';
  if (config.problemType === 'regression' || (config.problemType === null && config.numLabels === 1)) return 'regression';
  return 'classification';
}

/** Parameter counts by group, with the head named as the UI shows it (classifier / lm_head). */
export function parameterGroups(specs: ParamSpec[], arch: Architecture): ParameterGroupCount[] {
  const counts = countParameters(specs).byGroup;
  const headName = arch === 'RobertaForSequenceClassification' ? 'classifier' : 'lm_head';
  return PARAM_GROUPS.filter((g) => counts[g] > 0).map((g) => ({ group: g === 'head' ? headName : g, count: counts[g] }));
}

function describe(path: string, config: ModelConfig, arch: Architecture, specs: ParamSpec[], weightBytes: number, hasTokenizer: boolean): ModelInfo {
  const roberta = config.modelType === 'roberta' ? config : null;
  const mt5 = config.modelType === 'mt5' ? config : null;
  const classifier = roberta && arch === 'RobertaForSequenceClassification';
  return {
    path,
    modelType: config.modelType,
    architecture: arch,
    task: taskOf(config),
    numLabels: classifier ? roberta.numLabels : null,
    labels: classifier ? Array.from({ length: roberta.numLabels }, (_, i) => roberta.id2label[i]) : null,
    vocabSize: config.vocabSize,
    hiddenSize: roberta ? roberta.hiddenSize : mt5!.dModel,
    numLayers: roberta ? roberta.numHiddenLayers : mt5!.numLayers,
    numDecoderLayers: mt5 ? mt5.numDecoderLayers : null,
    parameterCount: countParameters(specs).total,
    parameterGroups: parameterGroups(specs, arch),
    weightBytes,
    hasTokenizer,
    // RoBERTa's positions start after padding_idx (see robertaPositionIds); T5 positions are relative.
    maxInputLength: roberta ? roberta.maxPositionEmbeddings - roberta.padTokenId - 1 : null,
  };
}

/** Reads config.json and the weight headers only (cheap even for multi-GB checkpoints). */
export function inspectModelDir(dir: string, architecture?: Architecture): ModelInfo {
  const config = readModelConfig(dir);
  const arch = resolveArchitecture(config, architecture);
  const ckpt = openCheckpoint(dir);
  let weightBytes = 0;
  try {
    for (const name of ckpt.names()) {
      const info = ckpt.info(name)!;
      weightBytes += info.shape.reduce((a, b) => a * b, 1) * DTYPE_BYTES[info.dtype];
    }
  } finally {
    ckpt.close();
  }
  return describe(dir, config, arch, specsFor(config, arch), weightBytes, existsSync(join(dir, TOKENIZER_FILE)));
}

/** ModelInfo of a built model (float32 weights as they would be saved). */
export function modelInfo(model: AnyModel, path: string, hasTokenizer: boolean): ModelInfo {
  const specs = model.params.allSpecs();
  const bytes = countParameters(specs).total * 4;
  return describe(path, model.config, model.architecture, specs, bytes, hasTokenizer);
}
