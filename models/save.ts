// Saves a model in the Hugging Face layout: config.json (with id2label/label2id), float32 safetensors
// with transformers' tensor names (sharded on request, with model.safetensors.index.json),
// generation_config.json for mT5, and the tokenizer files.
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mt5ConfigToJson } from './config/mt5.ts';
import { robertaConfigToJson } from './config/roberta.ts';
import type { AnyModel } from './factory.ts';
import { SAFETENSORS_FILE, SAFETENSORS_INDEX } from './io/checkpoint.ts';
import { writeSafetensors, type TensorToWrite } from './io/safetensors.ts';
import { numel } from './params/spec.ts';
import type { HfTokenizer } from './tokenizer.ts';

export interface SaveOptions {
  tokenizer?: HfTokenizer | null;
  /** Split the weights into shards of at most this many bytes (transformers' max_shard_size). */
  maxShardBytes?: number;
}

export interface SaveResult {
  files: string[];
  bytes: number;
}

const SHARD_PATTERN = /^model-\d{5}-of-\d{5}\.safetensors$/;

export function modelConfigJson(model: AnyModel): Record<string, unknown> {
  const c = model.config;
  return c.modelType === 'roberta' ? robertaConfigToJson(c, model.architecture) : mt5ConfigToJson(c, model.architecture);
}

export async function savePretrained(model: AnyModel, dir: string, opts: SaveOptions = {}): Promise<SaveResult> {
  mkdirSync(dir, { recursive: true });
  removeStaleWeights(dir);
  const files: string[] = [];
  writeFileSync(join(dir, 'config.json'), `${JSON.stringify(modelConfigJson(model), null, 2)}\n`);
  files.push('config.json');
  if (model.config.modelType === 'mt5') {
    const c = model.config;
    const gen = { decoder_start_token_id: c.decoderStartTokenId, eos_token_id: c.eosTokenId, pad_token_id: c.padTokenId };
    writeFileSync(join(dir, 'generation_config.json'), `${JSON.stringify(gen, null, 2)}\n`);
    files.push('generation_config.json');
  }
  const tensors: TensorToWrite[] = [...model.namedParameters()].map(([name, v]) => ({
    name, shape: v.shape, data: async () => (await v.data()) as Float32Array,
  }));
  let bytes = 0;
  const shards = shard(tensors, opts.maxShardBytes);
  if (shards.length === 1) {
    bytes += await writeSafetensors(join(dir, SAFETENSORS_FILE), shards[0]);
    files.push(SAFETENSORS_FILE);
  } else {
    const weightMap: Record<string, string> = {};
    let totalSize = 0;
    for (const [i, group] of shards.entries()) {
      const file = `model-${String(i + 1).padStart(5, '0')}-of-${String(shards.length).padStart(5, '0')}.safetensors`;
      bytes += await writeSafetensors(join(dir, file), group);
      for (const t of group) {
        weightMap[t.name] = file;
        totalSize += numel(t.shape) * 4;
      }
      files.push(file);
    }
    const sortedMap = Object.fromEntries(Object.entries(weightMap).sort(([a], [b]) => (a < b ? -1 : 1)));
    writeFileSync(join(dir, SAFETENSORS_INDEX), `${JSON.stringify({ metadata: { total_size: totalSize }, weight_map: sortedMap }, null, 2)}\n`);
    files.push(SAFETENSORS_INDEX);
  }
  if (opts.tokenizer) files.push(...opts.tokenizer.save(dir));
  return { files, bytes };
}

function shard(tensors: TensorToWrite[], maxBytes?: number): TensorToWrite[][] {
  if (!maxBytes) return [tensors];
  const sorted = [...tensors].sort((a, b) => (a.name < b.name ? -1 : 1));
  const out: TensorToWrite[][] = [[]];
  let size = 0;
  for (const t of sorted) {
    const b = numel(t.shape) * 4;
    if (size > 0 && size + b > maxBytes) {
      out.push([]);
      size = 0;
    }
    out[out.length - 1].push(t);
    size += b;
  }
  return out;
}

/** Old weight files would shadow or mix with the new ones. */
function removeStaleWeights(dir: string): void {
  if (!existsSync(dir)) return;
  for (const f of readdirSync(dir)) {
    if (f === SAFETENSORS_FILE || f === SAFETENSORS_INDEX || SHARD_PATTERN.test(f)) rmSync(join(dir, f));
  }
}
