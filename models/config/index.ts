// config.json of a model folder → the normalized config of a supported model type.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ModelConfigError } from './errors.ts';
import { parseMT5Config, type MT5Config } from './mt5.ts';
import { parseRobertaConfig, type RobertaConfig } from './roberta.ts';

export type ModelConfig = RobertaConfig | MT5Config;
export const SUPPORTED_MODEL_TYPES = ['roberta', 'mt5'] as const;
export type ModelType = (typeof SUPPORTED_MODEL_TYPES)[number];

export const ARCHITECTURES = {
  roberta: ['RobertaForSequenceClassification', 'RobertaForMaskedLM'],
  mt5: ['MT5ForConditionalGeneration'],
} as const;
export type Architecture = (typeof ARCHITECTURES)[ModelType][number];

export function parseModelConfig(raw: unknown, file = 'config.json'): ModelConfig {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new ModelConfigError(`${file}: expected a JSON object`);
  const obj = raw as Record<string, unknown>;
  const type = obj.model_type;
  if (type === 'roberta') return parseRobertaConfig(obj, file);
  if (type === 'mt5') return parseMT5Config(obj, file);
  throw new ModelConfigError(
    `${file}: unsupported model_type ${JSON.stringify(type)}; Octet Studio runs ${SUPPORTED_MODEL_TYPES.join(' and ')} ` +
      `(architectures ${Object.values(ARCHITECTURES).flat().join(', ')})`,
  );
}

export function readModelConfig(dir: string): ModelConfig {
  const file = join(dir, 'config.json');
  if (!existsSync(file)) throw new ModelConfigError(`${dir}: no config.json (a Hugging Face model folder needs config.json next to the weights)`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ModelConfigError(`${file}: not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  return parseModelConfig(raw, file);
}

/** The architecture to build: the requested one, else the first supported entry of `architectures`. */
export function resolveArchitecture(config: ModelConfig, requested?: string): Architecture {
  const supported: readonly string[] = ARCHITECTURES[config.modelType];
  if (requested) {
    if (!supported.includes(requested)) {
      throw new ModelConfigError(`architecture "${requested}" is not available for model_type ${config.modelType}; use one of ${supported.join(', ')}`);
    }
    return requested as Architecture;
  }
  const found = config.architectures.find((a) => supported.includes(a));
  if (found) return found as Architecture;
  if (config.architectures.length === 0 || config.modelType === 'mt5') return supported[0] as Architecture;
  throw new ModelConfigError(
    `config.json lists architectures ${JSON.stringify(config.architectures)}, none of which Octet Studio builds; ` +
      `choose one of ${supported.join(', ')} explicitly`,
  );
}

export { ModelConfigError } from './errors.ts';
export type { MT5Config } from './mt5.ts';
export type { RobertaConfig } from './roberta.ts';
