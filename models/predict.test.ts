// `octet predict` logic (validation with line numbers, outputs per task) and the two CLI commands
// end to end (spawned, so that models/ tests need not import main/).
import * as tf from '@tensorflow/tfjs-core';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../kernels/setup.ts';
import { disposeBatch, toBatch } from './batch.ts';
import { loadPretrained, type LoadedModel } from './load.ts';
import type { MT5ForConditionalGeneration } from './mt5/conditionalGeneration.ts';
import { parsePredictInput, predictRows } from './predict.ts';

const root = join(import.meta.dirname, '..');
const ROBERTA = join(root, 'testdata', 'models', 'tiny-roberta-cls');
const MT5 = join(root, 'testdata', 'models', 'tiny-mt5');
const tmp = mkdtempSync(join(tmpdir(), 'octet-predict-'));

async function collect(loaded: LoadedModel, content: string, opts = {}): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for await (const row of predictRows(loaded, parsePredictInput(content, loaded, opts), opts)) out.push(row);
  return out;
}

beforeAll(async () => {
  await setupBackend('wasm');
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('predict', () => {
  it('reports every bad line by number before running anything', () => {
    const loaded = loadPretrained(ROBERTA);
    const input = [
      '{"text": "fine"}',
      '{"text": ',
      '{"input_ids": [0, 5, 300]}',
      '',
      '{"input_ids": [0, 5, 2], "attention_mask": [1, 1]}',
      '{"nothing": 1}',
      '{"text": "a", "input_ids": [0, 2]}',
      '{"input_ids": [0, 2], "labels": [5]}',
      `{"input_ids": [${new Array(70).fill(5).join(',')}]}`,
    ].join('\n');
    let message = '';
    try {
      parsePredictInput(input, loaded);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/^7 bad input lines/);
    expect(message).toMatch(/line 2: not valid JSON/);
    expect(message).toMatch(/line 3: input_ids\[2\] = 300 is outside the vocabulary \(0\.\.299\)/);
    expect(message).toMatch(/line 5: attention_mask has 2 entries for 3 input_ids/);
    expect(message).toMatch(/line 6: give exactly one of "text"/);
    expect(message).toMatch(/line 7: give exactly one of "text"/);
    expect(message).toMatch(/line 8: "labels" is only read for seq2seq/);
    expect(message).toMatch(/line 9: 70 input_ids exceed the maximum of 64/);
    expect(message).not.toMatch(/line 1:|line 4:/);
    loaded.model.dispose();
  });

  it('classification: logits of the tokenized text, the id2label label; long text is truncated', async () => {
    const loaded = loadPretrained(ROBERTA);
    const text = 'The quick brown fox jumps over the lazy dog.';
    const rows = await collect(loaded, `${JSON.stringify({ text })}\n${JSON.stringify({ text: 'Hello', text_pair: 'world' })}\n${JSON.stringify({ text: 'x '.repeat(200) })}`, { batchSize: 2 });
    const ids = loaded.tokenizer!.encode(text).ids;
    const batch = toBatch({ inputIds: [ids] });
    const expected = (await tf.tidy(() => loaded.model.forward(batch)).array()) as number[][];
    disposeBatch(batch);
    expect(rows[0].line).toBe(1);
    (rows[0].logits as number[]).forEach((x, j) => expect(x).toBeCloseTo(expected[0][j], 5));
    const best = expected[0].indexOf(Math.max(...expected[0]));
    expect(rows[0].label).toBe(`LABEL_${best}`);
    expect(rows.map((r) => r.line)).toEqual([1, 2, 3]);
    loaded.model.dispose();
  });

  it('regression outputs the value', async () => {
    const loaded = loadPretrained(ROBERTA, { numLabels: 1, problemType: 'regression' });
    const [row] = await collect(loaded, '{"input_ids": [0, 50, 60, 2]}');
    expect(row.value).toBe((row.logits as number[])[0]);
    expect(row.label).toBeUndefined();
    loaded.model.dispose();
  });

  it('seq2seq: greedy text and ids, the teacher-forced loss when labels are given', async () => {
    const loaded = loadPretrained(MT5);
    const rows = await collect(loaded, '{"text": "Hello world!"}\n{"input_ids": [3, 98, 4, 1], "labels": [3, 118, 1]}', { maxNewTokens: 4 });
    const model = loaded.model as MT5ForConditionalGeneration;
    const ids = loaded.tokenizer!.encode('Hello world!').ids;
    const batch = toBatch({ inputIds: [ids] });
    const [greedy] = await model.generate(batch.inputIds, batch.attentionMask, { maxNewTokens: 4 });
    disposeBatch(batch);
    expect(rows[0].ids).toEqual(greedy.newTokens);
    expect(rows[0].text).toBe(loaded.tokenizer!.decode(greedy.newTokens));
    expect((rows[0].logits as number[]).length).toBe(greedy.newTokens.length);
    const single = toBatch({ inputIds: [[3, 98, 4, 1]], labels: [[3, 118, 1]] });
    const loss = tf.tidy(() => model.loss(single));
    expect(rows[1].loss).toBeCloseTo((await loss.data())[0], 5);
    tf.dispose(loss);
    disposeBatch(single);
    loaded.model.dispose();
  });
});

describe('CLI', () => {
  const octet = (...args: string[]) => spawnSync(process.execPath, [join(root, 'bin', 'octet.js'), ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });

  it('octet golden prints one row per check and exits non-zero when a fixture disagrees', () => {
    const broken = join(tmp, 'broken-roberta');
    cpSync(ROBERTA, broken, { recursive: true });
    const golden = JSON.parse(readFileSync(join(broken, 'golden.json'), 'utf8'));
    golden.logits.values[1][2] += 0.01;
    writeFileSync(join(broken, 'golden.json'), JSON.stringify(golden));
    const r = octet('golden', ROBERTA, broken, '--backend', 'wasm');
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^PASS\s+wasm\s+tiny-roberta-cls\s+logits/m);
    expect(r.stdout).toMatch(/^FAIL\s+wasm\s+broken-roberta\s+logits/m);
    expect(r.stdout).toMatch(/^PASS\s+wasm\s+broken-roberta\s+loss/m);
    expect(r.stdout).toMatch(/checks passed, 1 failed/);
  });

  it('octet predict writes JSONL and names bad lines', () => {
    const input = join(tmp, 'in.jsonl');
    const output = join(tmp, 'out.jsonl');
    writeFileSync(input, '{"text": "Hello world!"}\n');
    const ok = octet('predict', '--model', ROBERTA, '--input', input, '--output', output);
    expect(ok.status, ok.stderr).toBe(0);
    const rows = readFileSync(output, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(rows).toHaveLength(1);
    expect(rows[0].logits).toHaveLength(3);
    writeFileSync(input, '{"text": "Hello world!"}\n{"input_ids": "x"}\n');
    const bad = octet('predict', '--model', ROBERTA, '--input', input);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/line 2: input_ids/);
  });
});
