// Loading real-world folders: the quirks hub checkpoints carry, and the errors for broken ones.
import * as tf from '@tensorflow/tfjs-core';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../kernels/setup.ts';
import { toBatch } from './batch.ts';
import { readGolden } from './golden/check.ts';
import { SafetensorsFile } from './io/safetensors.ts';
import { loadPretrained } from './load.ts';
import { createRandomModel } from './factory.ts';
import { readModelConfig } from './config/index.ts';
import { savePretrained } from './save.ts';
import { HfTokenizer } from './tokenizer.ts';

const fixtures = join(import.meta.dirname, '..', 'testdata', 'models');
const ROBERTA = join(fixtures, 'tiny-roberta-cls');
const MT5 = join(fixtures, 'tiny-mt5');
const tmp = mkdtempSync(join(tmpdir(), 'octet-load-'));

interface RawTensor {
  dtype: string;
  shape: number[];
  bytes: Uint8Array;
}

/** Reads every tensor of a fixture as raw bytes (independent of the loader under test). */
function readRaw(dir: string): Map<string, RawTensor> {
  const f = SafetensorsFile.open(join(dir, 'model.safetensors'));
  const out = new Map<string, RawTensor>();
  for (const n of f.names()) out.set(n, { dtype: f.entry(n).dtype, shape: f.entry(n).shape, bytes: f.readBytes(n) });
  f.close();
  return out;
}

function writeRaw(path: string, tensors: Map<string, RawTensor>): void {
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  let offset = 0;
  const parts: Uint8Array[] = [];
  for (const [name, t] of tensors) {
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + t.bytes.length] };
    offset += t.bytes.length;
    parts.push(t.bytes);
  }
  const json = Buffer.from(JSON.stringify(header));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  writeFileSync(path, Buffer.concat([len, json, ...parts]));
}

/** A copy of a fixture folder whose weights (and optionally config) are edited. */
function variant(src: string, name: string, edit: (t: Map<string, RawTensor>) => void, editConfig?: (c: Record<string, unknown>) => void): string {
  const dir = join(tmp, name);
  cpSync(src, dir, { recursive: true });
  const tensors = readRaw(src);
  edit(tensors);
  writeRaw(join(dir, 'model.safetensors'), tensors);
  if (editConfig) {
    const c = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    editConfig(c);
    writeFileSync(join(dir, 'config.json'), JSON.stringify(c));
  }
  return dir;
}

async function logitsOf(dir: string, opts: Parameters<typeof loadPretrained>[1] = {}): Promise<Float32Array> {
  const g = readGolden(dir);
  const { model } = loadPretrained(dir, opts);
  const batch = toBatch({ inputIds: g.inputs.input_ids, attentionMask: g.inputs.attention_mask, labels: g.inputs.labels });
  const out = tf.tidy(() => model.forward(batch));
  const data = (await out.data()) as Float32Array;
  tf.dispose([out, batch.inputIds, batch.attentionMask!, batch.labels!]);
  model.dispose();
  return data;
}

beforeAll(async () => {
  await setupBackend('cpu');
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('hub checkpoint quirks', () => {
  it('ignores the I64 position_ids buffer and pooler weights (same logits)', async () => {
    const dir = variant(ROBERTA, 'quirks-roberta', (t) => {
      const pos = new BigInt64Array(66).map((_, i) => BigInt(i));
      t.set('roberta.embeddings.position_ids', { dtype: 'I64', shape: [1, 66], bytes: new Uint8Array(pos.buffer) });
      t.set('roberta.pooler.dense.weight', { dtype: 'F32', shape: [32, 32], bytes: new Uint8Array(32 * 32 * 4) });
      t.set('roberta.pooler.dense.bias', { dtype: 'F32', shape: [32], bytes: new Uint8Array(32 * 4) });
    });
    const loaded = loadPretrained(dir);
    expect(loaded.report.ignored).toEqual(['roberta.embeddings.position_ids', 'roberta.pooler.dense.bias', 'roberta.pooler.dense.weight']);
    loaded.model.dispose();
    expect(await logitsOf(dir)).toEqual(await logitsOf(ROBERTA));
  });

  it('layer_norm_eps absent from a RoBERTa config means 1e-12', () => {
    const dir = variant(ROBERTA, 'no-eps', () => {}, (c) => delete c.layer_norm_eps);
    const c = readModelConfig(dir);
    expect(c.modelType === 'roberta' && c.layerNormEps).toBe(1e-12);
  });

  it('mT5: embed_tokens copies are ignored; an alias alone stands in for shared.weight', async () => {
    const copies = variant(MT5, 'mt5-copies', (t) => {
      t.set('encoder.embed_tokens.weight', t.get('shared.weight')!);
      t.set('decoder.embed_tokens.weight', t.get('shared.weight')!);
    });
    const loaded = loadPretrained(copies);
    expect(loaded.report.ignored).toEqual(['decoder.embed_tokens.weight', 'encoder.embed_tokens.weight']);
    loaded.model.dispose();
    const aliasOnly = variant(MT5, 'mt5-alias', (t) => {
      t.set('encoder.embed_tokens.weight', t.get('shared.weight')!);
      t.delete('shared.weight');
    });
    const again = loadPretrained(aliasOnly);
    expect(again.report.aliased).toEqual([{ parameter: 'shared.weight', from: 'encoder.embed_tokens.weight' }]);
    again.model.dispose();
    const reference = await logitsOf(MT5);
    expect(await logitsOf(copies)).toEqual(reference);
    expect(await logitsOf(aliasOnly)).toEqual(reference);
  });

  it('BPE merges written as ["a","b"] pairs tokenize like "a b" strings', () => {
    const json = JSON.parse(readFileSync(join(ROBERTA, 'tokenizer.json'), 'utf8'));
    const cfg = JSON.parse(readFileSync(join(ROBERTA, 'tokenizer_config.json'), 'utf8'));
    const asStrings = typeof json.model.merges[0] === 'string';
    const other = { ...json, model: { ...json.model, merges: json.model.merges.map((m: string | string[]) => (asStrings ? (m as string).split(' ') : (m as string[]).join(' '))) } };
    const a = new HfTokenizer(json, cfg);
    const b = new HfTokenizer(other, cfg);
    for (const s of readGolden(ROBERTA).tokenizer!.samples!) {
      expect(b.encode(s.text).ids).toEqual(s.ids);
      expect(a.encode(s.text).ids).toEqual(s.ids);
    }
  });
});

describe('broken folders fail naming the offending tensor', () => {
  it('missing tensor', () => {
    const dir = variant(ROBERTA, 'missing', (t) => t.delete('roberta.encoder.layer.1.output.dense.bias'));
    expect(() => loadPretrained(dir)).toThrow(/missing tensor "roberta\.encoder\.layer\.1\.output\.dense\.bias" \(expected shape \[32\]\)/);
  });

  it('wrong shape', () => {
    const dir = variant(ROBERTA, 'shape', (t) => {
      t.set('roberta.encoder.layer.0.attention.self.key.weight', { dtype: 'F32', shape: [32, 16], bytes: new Uint8Array(32 * 16 * 4) });
    });
    expect(() => loadPretrained(dir)).toThrow(/"roberta\.encoder\.layer\.0\.attention\.self\.key\.weight" has shape \[32, 16\], expected \[32, 32\]/);
  });

  it('unexpected tensor, with the counts', () => {
    const dir = variant(MT5, 'extra', (t) => t.set('encoder.block.9.layer.0.SelfAttention.q.weight', t.get('encoder.block.0.layer.0.SelfAttention.q.weight')!));
    expect(() => loadPretrained(dir)).toThrow(/52 parameters expected, 53 tensors on disk, 52 matched[\s\S]*unexpected tensor "encoder\.block\.9\.layer\.0\.SelfAttention\.q\.weight"/);
  });

  it('integer dtype where weights belong', () => {
    const dir = variant(ROBERTA, 'int-weight', (t) => {
      const w = t.get('classifier.out_proj.bias')!;
      t.set('classifier.out_proj.bias', { ...w, dtype: 'I32' });
    });
    expect(() => loadPretrained(dir)).toThrow(/"classifier\.out_proj\.bias" has dtype I32/);
  });

  it('truncated weights, unknown model_type, pickles', () => {
    const trunc = join(tmp, 'trunc');
    cpSync(ROBERTA, trunc, { recursive: true });
    truncateSync(join(trunc, 'model.safetensors'), 50_000);
    expect(() => loadPretrained(trunc)).toThrow(/truncated/);
    const bert = variant(ROBERTA, 'bert', () => {}, (c) => (c.model_type = 'bert'));
    expect(() => loadPretrained(bert)).toThrow(/unsupported model_type "bert"/);
    const pickle = join(tmp, 'pickle');
    cpSync(ROBERTA, pickle, { recursive: true });
    rmSync(join(pickle, 'model.safetensors'));
    writeFileSync(join(pickle, 'pytorch_model.bin'), 'x');
    expect(() => loadPretrained(pickle)).toThrow(/pytorch_model\.bin.*safetensors/s);
  });
});

describe('heads and saving', () => {
  it('fine-tunes a masked-LM checkpoint as a classifier: fresh head, lm_head ignored, body kept', async () => {
    const dir = join(tmp, 'mlm');
    const config = readModelConfig(ROBERTA);
    const mlm = createRandomModel({ ...config, architectures: ['RobertaForMaskedLM'] }, { architecture: 'RobertaForMaskedLM', seed: 3 });
    await savePretrained(mlm, dir);
    const header = SafetensorsFile.open(join(dir, 'model.safetensors'));
    expect(header.names()).toContain('lm_head.bias');
    expect(header.names()).not.toContain('lm_head.decoder.weight'); // tied to the word embedding, as HF saves it
    header.close();
    const { model, report } = loadPretrained(dir, { architecture: 'RobertaForSequenceClassification', id2label: { 0: 'neg', 1: 'pos' } });
    expect(report.initialized).toEqual(['classifier.dense.bias', 'classifier.dense.weight', 'classifier.out_proj.bias', 'classifier.out_proj.weight']);
    expect(report.ignored).toEqual(['lm_head.bias', 'lm_head.dense.bias', 'lm_head.dense.weight', 'lm_head.layer_norm.bias', 'lm_head.layer_norm.weight']);
    const name = 'roberta.encoder.layer.1.output.dense.weight';
    expect(await model.parameter(name).data()).toEqual(await mlm.parameter(name).data());
    expect(model.parameter('classifier.out_proj.weight').shape).toEqual([2, 32]);
    model.dispose();
    mlm.dispose();
  });

  it('changing the label set re-creates only the mismatched head tensors', () => {
    const { model, report } = loadPretrained(ROBERTA, { numLabels: 2 });
    expect(report.initialized).toEqual(['classifier.out_proj.bias', 'classifier.out_proj.weight']);
    expect(report.ignored).toEqual(['classifier.out_proj.bias', 'classifier.out_proj.weight']);
    model.dispose();
  });

  it('saves the HF layout (config with id2label/label2id, F32 tensors with HF names, tokenizer) and shards on request', async () => {
    const { model, tokenizer } = loadPretrained(ROBERTA, { id2label: { 0: 'a', 1: 'b', 2: 'c' } });
    const dir = join(tmp, 'saved');
    await savePretrained(model, dir, { tokenizer, maxShardBytes: 40_000 });
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    expect(config.id2label).toEqual({ 0: 'a', 1: 'b', 2: 'c' });
    expect(config.label2id).toEqual({ a: 0, b: 1, c: 2 });
    expect(config.architectures).toEqual(['RobertaForSequenceClassification']);
    expect(config.layer_norm_eps).toBe(1e-5);
    expect(existsSync(join(dir, 'tokenizer.json')) && existsSync(join(dir, 'tokenizer_config.json'))).toBe(true);
    const shards = readdirSync(dir).filter((f) => /^model-\d{5}-of-\d{5}\.safetensors$/.test(f));
    expect(shards.length).toBeGreaterThan(1);
    const index = JSON.parse(readFileSync(join(dir, 'model.safetensors.index.json'), 'utf8'));
    expect(Object.keys(index.weight_map).sort()).toEqual([...model.namedParameters().keys()].sort());
    for (const shard of shards) {
      const f = SafetensorsFile.open(join(dir, shard));
      for (const n of f.names()) expect(f.entry(n).dtype).toBe('F32');
      f.close();
    }
    const again = loadPretrained(dir);
    for (const [name, v] of model.namedParameters()) {
      expect(new Uint32Array(((await again.model.parameter(name).data()) as Float32Array).buffer)).toEqual(new Uint32Array(((await v.data()) as Float32Array).slice().buffer));
    }
    // Saving again unsharded replaces the shards (they would otherwise shadow or mix).
    await savePretrained(again.model, dir, { tokenizer: again.tokenizer });
    expect(readdirSync(dir).filter((f) => f.includes('-of-') || f.endsWith('index.json'))).toEqual([]);
    again.model.dispose();
    model.dispose();
  });
});
