// Runs every check a golden fixture folder supports (config, weights, tokenizer, logits, loss,
// gradients, greedy generation, save→load) on the current TensorFlow.js backend. Everything expected
// comes from the folder's golden.json; nothing from this code. Used by the golden test and
// `octet golden`.
import * as tf from '@tensorflow/tfjs-core';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { toBatch, disposeBatch } from '../batch.ts';
import type { Architecture } from '../config/index.ts';
import type { AnyModel } from '../factory.ts';
import { loadPretrained, type LoadedModel } from '../load.ts';
import type { Batch } from '../model.ts';
import { MT5ForConditionalGeneration, shiftRight } from '../mt5/conditionalGeneration.ts';
import { relativePositionBuckets } from '../mt5/relativePosition.ts';
import { robertaPositionIds } from '../roberta/body.ts';
import { RobertaForSequenceClassification } from '../roberta/sequenceClassification.ts';
import { savePretrained } from '../save.ts';
import { padBatch } from '../tokenizer.ts';
import { compareTensor, sameInts, type Comparison } from './compare.ts';
import { flatValues, goldenSchema, type Golden } from './schema.ts';

export interface GoldenRow {
  fixture: string;
  check: string;
  pass: boolean;
  detail: string;
}

export interface Tolerances {
  logitsAtol: number;
  logitsRtol: number;
  lossAtol: number;
  gradRtol: number;
  gradAtol: number;
}

/** The issue's limits; logits atol as the fixture README suggests per model type. */
export function defaultTolerances(modelType: 'roberta' | 'mt5'): Tolerances {
  return { logitsAtol: modelType === 'roberta' ? 2e-5 : 2e-4, logitsRtol: 1e-4, lossAtol: 1e-5, gradRtol: 1e-3, gradAtol: 1e-6 };
}

export function readGolden(dir: string): Golden {
  const file = join(dir, 'golden.json');
  if (!existsSync(file)) throw new Error(`${dir}: no golden.json (not a golden fixture folder)`);
  const parsed = goldenSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    throw new Error(`${file}: unexpected format: ${parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

async function sha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function describe(c: Comparison): string {
  return `max |Δ| ${c.maxAbs.toExponential(2)} (max rel ${c.maxRel.toExponential(2)}) over ${c.count} values` + (c.pass ? '' : `; worst at #${c.worstIndex}: got ${c.worstGot}, expected ${c.worstExpected}`);
}

export async function runGoldenChecks(dir: string, tolerances?: Partial<Tolerances>): Promise<GoldenRow[]> {
  const fixture = basename(dir);
  const rows: GoldenRow[] = [];
  const add = (check: string, pass: boolean, detail: string) => rows.push({ fixture, check, pass, detail });
  let golden: Golden;
  try {
    golden = readGolden(dir);
  } catch (err) {
    add('golden.json', false, err instanceof Error ? err.message : String(err));
    return rows;
  }
  const tol = { ...defaultTolerances(golden.model_type), ...tolerances };

  const weightsFile = join(dir, golden.weights?.file ?? 'model.safetensors');
  if (golden.weights?.sha256 && existsSync(weightsFile)) {
    const got = await sha256(weightsFile);
    add('weights sha256', got === golden.weights.sha256, got === golden.weights.sha256 ? 'fixture weights intact' : `got ${got}`);
  }

  let loaded: LoadedModel;
  try {
    loaded = loadPretrained(dir, { architecture: golden.architecture as Architecture });
    add('load', true, `${loaded.model.architecture}, ${loaded.model.namedParameters().size} parameters, ${loaded.report.ignored.length} checkpoint tensors ignored`);
  } catch (err) {
    add('load', false, err instanceof Error ? err.message : String(err));
    return rows;
  }
  const { model, tokenizer, report } = loaded;
  try {
    if (golden.weights?.tensors_used_by_model) {
      const expected = [...golden.weights.tensors_used_by_model].sort();
      const ok = sameStrings(report.used, expected);
      add('loader: tensors used', ok, ok ? `${expected.length} tensors` : diffStrings(report.used, expected));
    }
    if (golden.weights?.tensors_on_disk_not_used) {
      const expected = [...golden.weights.tensors_on_disk_not_used].sort();
      const ok = sameStrings(report.ignored, expected);
      add('loader: tensors ignored', ok, ok ? `${expected.length} tensors${expected.length ? `: ${expected.join(', ')}` : ''}` : diffStrings(report.ignored, expected));
    }

    checkTokenizer(golden, loaded, add);
    if (!tokenizer) add('tokenizer', false, 'tokenizer.json missing');

    const batch = makeGoldenBatch(golden, model);
    try {
      checkDerived(golden, model, batch, add);
      await checkOutputs(golden, model, batch, tol, add);
      await checkGradients(golden, model, batch, tol, add);
      if (model instanceof MT5ForConditionalGeneration && golden.greedy) await checkGreedy(golden, model, batch, add);
      await checkRoundTrip(loaded, batch, add);
    } finally {
      disposeBatch(batch);
    }
  } catch (err) {
    add('run', false, err instanceof Error ? (err.stack ?? err.message) : String(err));
  } finally {
    model.dispose();
  }
  return rows;
}

function sameStrings(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function diffStrings(got: string[], expected: string[]): string {
  const extra = got.filter((x) => !expected.includes(x));
  const missing = expected.filter((x) => !got.includes(x));
  return `extra: [${extra.join(', ')}]; missing: [${missing.join(', ')}]`;
}

type Add = (check: string, pass: boolean, detail: string) => void;

function checkTokenizer(golden: Golden, loaded: LoadedModel, add: Add): void {
  const tok = loaded.tokenizer;
  if (!tok || !golden.tokenizer) return;
  for (const group of ['samples', 'batch_texts', 'target_texts'] as const) {
    const items = golden.tokenizer[group] ?? [];
    items.forEach((s, i) => {
      const got = tok.encode(s.text).ids;
      const ok = sameInts(got, s.ids);
      add(`tokenizer ${group}[${i}] ids`, ok, ok ? `${s.ids.length} ids` : `got [${got.join(', ')}], expected [${s.ids.join(', ')}]`);
      if (s.decoded !== undefined) {
        const text = tok.decode(s.ids, true);
        add(`tokenizer ${group}[${i}] decode`, text === s.decoded, text === s.decoded ? JSON.stringify(text).slice(0, 60) : `got ${JSON.stringify(text)}`);
      }
    });
  }
  const inputs = golden.inputs;
  const width = inputs.input_ids[0]?.length ?? 0;
  if (inputs.texts && tok.padTokenId !== null) {
    // Padded to the width stored in golden.json (the longest row, unless the fixture padded further).
    const enc = padBatch(inputs.texts.map((t) => tok.encode(t).ids), tok.padTokenId, width);
    const ok = enc.inputIds.length === inputs.input_ids.length && enc.inputIds.every((r, i) => sameInts(r, inputs.input_ids[i]));
    const okMask = !inputs.attention_mask || enc.attentionMask.every((r, i) => sameInts(r, inputs.attention_mask![i]));
    add('inputs from texts (padded batch)', ok && okMask, ok && okMask ? `${enc.inputIds.length}×${width}` : 'tokenized batch differs from inputs.input_ids/attention_mask');
  }
  if (inputs.target_texts && Array.isArray(inputs.labels[0])) {
    const expected = inputs.labels as number[][];
    const labels = padBatch(inputs.target_texts.map((t) => tok.encode(t).ids), -100, expected[0].length).inputIds;
    const ok = labels.length === expected.length && labels.every((r, i) => sameInts(r, expected[i]));
    add('labels from target_texts (-100 padded)', ok, ok ? `${labels.length}×${labels[0].length}` : 'tokenized targets differ from inputs.labels');
  }
}

function makeGoldenBatch(golden: Golden, model: AnyModel): Batch {
  const inputs = golden.inputs;
  const problem = golden.derived?.problem_type ?? null;
  const float = problem === 'regression' || problem === 'multi_label_classification' ||
    (model instanceof RobertaForSequenceClassification && model.config.numLabels === 1 && problem === null);
  return toBatch({
    inputIds: inputs.input_ids,
    attentionMask: inputs.attention_mask ?? padBatch(inputs.input_ids, 0).attentionMask,
    labels: inputs.labels,
    labelsDtype: float ? 'float32' : 'int32',
    decoderAttentionMask: golden.derived?.decoder_attention_mask ?? undefined,
  });
}

function checkDerived(golden: Golden, model: AnyModel, batch: Batch, add: Add): void {
  const d = golden.derived;
  if (!d) return;
  if (model.config.modelType === 'roberta' && d.position_ids) {
    const got = tf.tidy(() => robertaPositionIds(batch.inputIds, model.config.padTokenId)).arraySync() as number[][];
    const ok = got.every((r, i) => sameInts(r, d.position_ids![i]));
    add('position ids from input_ids', ok, ok ? 'cumsum(ids != pad) + pad' : `got [${got[0].join(', ')}…]`);
  }
  if (model instanceof RobertaForSequenceClassification && d.problem_type) {
    const got = model.problemType(batch.labels);
    add('problem type', got === d.problem_type, `got ${got}, expected ${d.problem_type}`);
  }
  if (model instanceof MT5ForConditionalGeneration) {
    const c = model.config;
    if (d.decoder_input_ids) {
      const got = tf.tidy(() => shiftRight(batch.labels as tf.Tensor2D, c.decoderStartTokenId, c.padTokenId)).arraySync() as number[][];
      const ok = got.every((r, i) => sameInts(r, d.decoder_input_ids![i]));
      add('decoder_input_ids = shift_right(labels)', ok, ok ? 'start 0, -100 → pad' : `got [${got[0].join(', ')}…]`);
    }
    for (const [key, bidirectional] of [['encoder_relative_position_buckets', true], ['decoder_relative_position_buckets', false]] as const) {
      const table = d[key];
      if (!table) continue;
      const n = table.length;
      const m = table[0]?.length ?? 0;
      const got = relativePositionBuckets(n, m, bidirectional, c.relativeAttentionNumBuckets, c.relativeAttentionMaxDistance);
      const ok = sameInts(Array.from(got), table.flat());
      add(key.replaceAll('_', ' '), ok, ok ? `${n}×${m}` : 'bucket table differs');
    }
  }
}

async function checkOutputs(golden: Golden, model: AnyModel, batch: Batch, tol: Tolerances, add: Add): Promise<void> {
  const out = tf.tidy((): { logits: tf.Tensor; intermediates: Record<string, tf.Tensor> } => {
    if (model instanceof MT5ForConditionalGeneration) {
      const r = model.run(batch);
      return { logits: r.logits, intermediates: { encoder_last_hidden_state: r.encoderLastHiddenState } };
    }
    if (model instanceof RobertaForSequenceClassification) {
      const r = model.run(batch);
      return { logits: r.logits, intermediates: { embedding_output: r.embeddingOutput, sequence_output: r.sequenceOutput } };
    }
    return { logits: model.forward(batch), intermediates: {} };
  });
  try {
    const logits = golden.logits;
    const c = compareTensor(await out.logits.data(), out.logits.shape, flatValues(logits, 'logits'), logits.shape, tol.logitsAtol, tol.logitsRtol);
    add('logits', c.pass, `${describe(c)}; atol ${tol.logitsAtol} + rtol ${tol.logitsRtol}`);
    for (const [name, stored] of Object.entries(golden.intermediates ?? {})) {
      const t = out.intermediates[name];
      if (!t) continue;
      const ci = compareTensor(await t.data(), t.shape, flatValues(stored, name), stored.shape, tol.logitsAtol, tol.logitsRtol);
      add(`intermediate ${name}`, ci.pass, describe(ci));
    }
    const loss = tf.tidy(() => model.lossFromLogits(out.logits, batch.labels!));
    const value = (await loss.data())[0];
    loss.dispose();
    const delta = Math.abs(value - golden.loss.float64);
    add('loss', delta <= tol.lossAtol, `got ${value}, expected ${golden.loss.float64} (|Δ| ${delta.toExponential(2)}, atol ${tol.lossAtol})`);
  } finally {
    tf.dispose(out);
  }
}

async function checkGradients(golden: Golden, model: AnyModel, batch: Batch, tol: Tolerances, add: Add): Promise<void> {
  const entries = golden.gradients?.entries ?? [];
  if (entries.length === 0) return;
  const names = [...new Set(entries.map((e) => model.resolveName(e.tensor)))];
  const vars = names.map((n) => model.params.get(n));
  const { value, grads } = tf.variableGrads(() => model.loss(batch), vars);
  try {
    const gradOf = new Map<string, Float32Array>();
    for (const [i, n] of names.entries()) gradOf.set(n, (await grads[vars[i].name].data()) as Float32Array);
    for (const e of entries) {
      const name = model.resolveName(e.tensor);
      const v = model.params.get(name);
      const flat = e.flat_index ?? e.index.reduce((acc, idx, d) => acc * v.shape[d] + idx, 0);
      const got = gradOf.get(name)![flat];
      const err = Math.abs(got - e.grad);
      const limit = tol.gradRtol * Math.abs(e.grad) + tol.gradAtol;
      add(`grad ${e.tensor}[${e.index.join(',')}]`, err <= limit, `got ${got.toPrecision(7)}, expected ${e.grad.toPrecision(7)} (rel ${(err / Math.abs(e.grad)).toExponential(2)})`);
    }
  } finally {
    value.dispose();
    tf.dispose(grads);
  }
}

async function checkGreedy(golden: Golden, model: MT5ForConditionalGeneration, batch: Batch, add: Add): Promise<void> {
  const g = golden.greedy!;
  const results = await model.generate(batch.inputIds, batch.attentionMask, {
    maxNewTokens: g.max_new_tokens, decoderStartTokenId: g.decoder_start_token_id, eosTokenId: g.eos_token_id,
  });
  g.results.forEach((expected, i) => {
    const got = results[i];
    const ok = !!got && sameInts(got.sequence, expected.sequence) && (expected.stopped_on_eos === undefined || got.stoppedOnEos === expected.stopped_on_eos);
    const minMargin = got ? Math.min(...got.margins) : NaN;
    add(`greedy row ${i}`, ok, ok ? `[${expected.sequence.join(', ')}]${got.stoppedOnEos ? ' (stopped on EOS)' : ''}, smallest top1−top2 ${minMargin.toFixed(4)}` : `got [${got?.sequence.join(', ')}], expected [${expected.sequence.join(', ')}]`);
  });
}

async function checkRoundTrip(loaded: LoadedModel, batch: Batch, add: Add): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'octet-roundtrip-'));
  try {
    const { model, tokenizer } = loaded;
    await savePretrained(model, tmp, { tokenizer });
    const again = loadPretrained(tmp, { architecture: model.architecture });
    try {
      const problems: string[] = [];
      for (const [name, v] of model.namedParameters()) {
        const a = new Uint32Array(((await v.data()) as Float32Array).slice().buffer);
        const b = new Uint32Array(((await again.model.parameter(name).data()) as Float32Array).slice().buffer);
        if (a.length !== b.length || a.some((x, i) => x !== b[i])) problems.push(name);
      }
      if (again.model.namedParameters().size !== model.namedParameters().size) problems.push('parameter count');
      const [l1, l2] = tf.tidy(() => [model.forward(batch), again.model.forward(batch)]);
      const d1 = await l1.data();
      const d2 = await l2.data();
      tf.dispose([l1, l2]);
      if (d1.some((x, i) => !Object.is(x, d2[i]))) problems.push('logits after reload');
      add('save→load round trip', problems.length === 0, problems.length === 0 ? 'every parameter bit-exact, logits identical' : `differs: ${problems.join(', ')}`);
    } finally {
      again.model.dispose();
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
