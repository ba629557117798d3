// Builds the model class of an architecture, and answers per-family questions about tensor names.
import type { Architecture, ModelConfig } from './config/index.ts';
import type { MT5Config } from './config/mt5.ts';
import type { RobertaConfig } from './config/roberta.ts';
import type { BuildOptions } from './model.ts';
import { MT5ForConditionalGeneration } from './mt5/conditionalGeneration.ts';
import { mt5Aliases, mt5Ignorable, mt5Specs } from './mt5/specs.ts';
import { Rng, initialValues } from './params/init.ts';
import type { ParamSpec } from './params/spec.ts';
import { uniqueScope } from './params/store.ts';
import { RobertaForMaskedLM } from './roberta/maskedLM.ts';
import { RobertaForSequenceClassification } from './roberta/sequenceClassification.ts';
import { robertaAliases, robertaIgnorable, robertaOtherHead, robertaSpecs } from './roberta/specs.ts';

export type AnyModel = RobertaForSequenceClassification | RobertaForMaskedLM | MT5ForConditionalGeneration;

export function specsFor(config: ModelConfig, arch: Architecture): ParamSpec[] {
  if (config.modelType === 'roberta') return robertaSpecs(config, arch as 'RobertaForSequenceClassification' | 'RobertaForMaskedLM');
  return mt5Specs(config);
}

/** Checkpoint names that may hold a parameter, preferred first. */
export function candidateNames(config: ModelConfig, name: string): string[] {
  return [name, ...(config.modelType === 'roberta' ? robertaAliases(name) : mt5Aliases(name))];
}

/** Checkpoint tensors the architecture knowingly does not use (buffers, pooler, tied copies, other heads). */
export function ignorableTensor(config: ModelConfig, arch: Architecture, name: string): boolean {
  if (config.modelType === 'roberta') {
    const a = arch as 'RobertaForSequenceClassification' | 'RobertaForMaskedLM';
    return robertaIgnorable(name, a, config) || robertaOtherHead(name, a);
  }
  return mt5Ignorable(name, config);
}

export function buildModel(config: ModelConfig, arch: Architecture, opts: BuildOptions): AnyModel {
  if (config.modelType === 'roberta') {
    const c: RobertaConfig = config;
    return arch === 'RobertaForMaskedLM' ? new RobertaForMaskedLM(c, opts) : new RobertaForSequenceClassification(c, opts);
  }
  const c: MT5Config = config;
  return new MT5ForConditionalGeneration(c, opts);
}

export interface RandomModelOptions {
  architecture: Architecture;
  seed?: number;
  scope?: string;
}

/** A model with transformers-style random initial weights (training from scratch, benchmarks). */
export function createRandomModel(config: ModelConfig, opts: RandomModelOptions): AnyModel {
  const rng = new Rng(opts.seed ?? 0);
  return buildModel(config, opts.architecture, {
    scope: opts.scope ?? uniqueScope(config.modelType),
    source: (spec) => initialValues(spec, rng),
  });
}
