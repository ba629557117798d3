// Known model names and where their public Hugging Face configs live (models/configs/<name>.json).
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const KNOWN_MODELS = ['roberta-base', 'roberta-large', 'mt5-small', 'mt5-base', 'mt5-large'] as const;
export type KnownModel = (typeof KNOWN_MODELS)[number];

const configsDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'models', 'configs');

/** Accepts hub spellings too: "FacebookAI/roberta-large", "google/mt5-base". */
export function knownModelName(model: string): KnownModel | null {
  const base = model.trim().toLowerCase().replace(/^(facebookai|google)\//, '');
  return (KNOWN_MODELS as readonly string[]).includes(base) ? (base as KnownModel) : null;
}

/**
 * The config.json for a model given as a folder, a config.json path, or a known name.
 * A folder wins over a known name of the same spelling.
 */
export function resolveConfigPath(model: string): string {
  const p = resolve(model);
  if (existsSync(p)) {
    if (statSync(p).isDirectory()) {
      const cfg = join(p, 'config.json');
      if (existsSync(cfg)) return cfg;
      throw new Error(`the model folder ${p} has no config.json; pass a Hugging Face model folder or one of: ${KNOWN_MODELS.join(', ')}`);
    }
    return p;
  }
  const known = knownModelName(model);
  if (known) return join(configsDir, `${known}.json`);
  throw new Error(`unknown model "${model}": pass a folder with config.json or one of: ${KNOWN_MODELS.join(', ')}`);
}
