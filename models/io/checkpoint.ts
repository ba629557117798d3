// The weights of a Hugging Face model folder: one `model.safetensors`, or shards listed in
// `model.safetensors.index.json`. Pickled PyTorch / TF / Flax weights are refused with a way out.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { SafetensorsError, SafetensorsFile, type SafetensorsDtype } from './safetensors.ts';

export const SAFETENSORS_FILE = 'model.safetensors';
export const SAFETENSORS_INDEX = 'model.safetensors.index.json';

export interface TensorInfo {
  dtype: SafetensorsDtype;
  shape: number[];
  file: string;
}

/** Every tensor of a checkpoint, readable one at a time. */
export interface Checkpoint {
  readonly dir: string;
  readonly files: string[];
  names(): string[];
  info(name: string): TensorInfo | undefined;
  readFloat32(name: string): Float32Array;
  close(): void;
}

const indexSchema = z.object({
  metadata: z.record(z.string(), z.unknown()).optional(),
  weight_map: z.record(z.string(), z.string()),
});

const CONVERT_HINT =
  'Convert it once to safetensors with Python (needs torch and safetensors):\n' +
  `  python -c "import torch; from safetensors.torch import save_file; ` +
  `sd = torch.load('pytorch_model.bin', map_location='cpu', weights_only=True); ` +
  `save_file({k: v.clone().contiguous() for k, v in sd.items()}, 'model.safetensors', metadata={'format': 'pt'})"\n` +
  'or, with transformers: python -c "from transformers import AutoModel; ' +
  `AutoModel.from_pretrained('.').save_pretrained('.', safe_serialization=True)" (run it inside the folder; ` +
  'use the Auto class of your architecture, e.g. AutoModelForSeq2SeqLM, so the head is kept).';

export function openCheckpoint(dir: string): Checkpoint {
  const single = join(dir, SAFETENSORS_FILE);
  const index = join(dir, SAFETENSORS_INDEX);
  if (existsSync(single)) return singleFile(dir, single);
  if (existsSync(index)) return sharded(dir, index);
  for (const f of ['pytorch_model.bin', 'pytorch_model.bin.index.json']) {
    if (existsSync(join(dir, f))) {
      throw new SafetensorsError(
        `${join(dir, f)}: PyTorch pickle weights are not loaded (unpickling can run arbitrary code and needs torch). ${CONVERT_HINT}`,
      );
    }
  }
  for (const f of ['tf_model.h5', 'flax_model.msgpack']) {
    if (existsSync(join(dir, f))) {
      throw new SafetensorsError(
        `${join(dir, f)}: TensorFlow/Flax weights are not supported; save the model with safe_serialization=True ` +
          `(transformers: from_pretrained(dir, from_${f.startsWith('tf') ? 'tf' : 'flax'}=True).save_pretrained(dir, safe_serialization=True)).`,
      );
    }
  }
  throw new SafetensorsError(`${dir}: no weights found (expected ${SAFETENSORS_FILE} or ${SAFETENSORS_INDEX})`);
}

function singleFile(dir: string, path: string): Checkpoint {
  const file = SafetensorsFile.open(path);
  return {
    dir,
    files: [path],
    names: () => file.names(),
    info: (name) => (file.has(name) ? { ...pick(file, name), file: path } : undefined),
    readFloat32: (name) => file.readFloat32(name),
    close: () => file.close(),
  };
}

function pick(file: SafetensorsFile, name: string): { dtype: SafetensorsDtype; shape: number[] } {
  const e = file.entry(name);
  return { dtype: e.dtype, shape: e.shape };
}

function sharded(dir: string, indexPath: string): Checkpoint {
  let parsed: z.infer<typeof indexSchema>;
  try {
    parsed = indexSchema.parse(JSON.parse(readFileSync(indexPath, 'utf8')));
  } catch (err) {
    throw new SafetensorsError(`${indexPath}: not a valid safetensors index (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`);
  }
  const files = new Map<string, SafetensorsFile>();
  try {
    for (const shard of new Set(Object.values(parsed.weight_map))) {
      if (shard.includes('/') || shard.includes('\\') || shard.startsWith('.')) {
        throw new SafetensorsError(`${indexPath}: shard name "${shard}" must be a plain file name in the same folder`);
      }
      const p = join(dir, shard);
      if (!existsSync(p)) throw new SafetensorsError(`${indexPath}: shard ${shard} is missing from ${dir}`);
      files.set(shard, SafetensorsFile.open(p));
    }
    for (const [name, shard] of Object.entries(parsed.weight_map)) {
      if (!files.get(shard)!.has(name)) {
        throw new SafetensorsError(`${indexPath}: tensor "${name}" is mapped to ${shard} but that shard does not contain it`);
      }
    }
  } catch (err) {
    for (const f of files.values()) f.close();
    throw err;
  }
  const fileOf = (name: string) => {
    const shard = parsed.weight_map[name];
    return shard === undefined ? undefined : files.get(shard);
  };
  return {
    dir,
    files: [...files.values()].map((f) => f.path),
    names: () => Object.keys(parsed.weight_map),
    info: (name) => {
      const f = fileOf(name);
      return f ? { ...pick(f, name), file: f.path } : undefined;
    },
    readFloat32: (name) => {
      const f = fileOf(name);
      if (!f) throw new SafetensorsError(`${indexPath}: no tensor named "${name}"`);
      return f.readFloat32(name);
    },
    close: () => {
      for (const f of files.values()) f.close();
    },
  };
}
