// Batch inference over JSONL rows (`octet predict`): validation with line numbers, batching with
// padding, and one output object per input row.
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { disposeBatch, toBatch } from './batch.ts';
import type { LoadedModel } from './load.ts';
import { MT5ForConditionalGeneration } from './mt5/conditionalGeneration.ts';
import { RobertaForMaskedLM } from './roberta/maskedLM.ts';
import { RobertaForSequenceClassification } from './roberta/sequenceClassification.ts';
import { padBatch } from './tokenizer.ts';

const int = z.number().int();
// Unknown keys (ids, gold labels, …) are ignored so that evaluation files can be fed as they are.
const lineSchema = z.object({
  text: z.string().optional(),
  text_pair: z.string().optional(),
  input_ids: z.array(int.nonnegative()).min(1).optional(),
  attention_mask: z.array(z.union([z.literal(0), z.literal(1)])).optional(),
  labels: z.array(int).min(1).optional(),
});
export type PredictLine = z.infer<typeof lineSchema>;

export interface PredictRow {
  /** 1-based line number in the input file. */
  line: number;
  inputIds: number[];
  attentionMask: number[];
  labels?: number[];
}

export class PredictInputError extends Error {
  override name = 'PredictInputError';
}

export interface PredictOptions {
  batchSize?: number;
  /** Truncate tokenized text to this many ids (default: what the model's positions allow). */
  maxLength?: number;
  /** seq2seq: tokens to generate (default 64). */
  maxNewTokens?: number;
  /** seq2seq: beam search when > 1. */
  numBeams?: number;
}

function maxPositions(loaded: LoadedModel): number {
  const c = loaded.model.config;
  return c.modelType === 'roberta' ? c.maxPositionEmbeddings - c.padTokenId - 1 : Number.POSITIVE_INFINITY;
}

/** Parses and validates every line; throws one error listing each bad line by number. */
export function parsePredictInput(content: string, loaded: LoadedModel, opts: PredictOptions = {}): PredictRow[] {
  const rows: PredictRow[] = [];
  const errors: string[] = [];
  const model = loaded.model;
  const vocab = model.config.vocabSize;
  const seq2seq = model instanceof MT5ForConditionalGeneration;
  const limit = Math.min(opts.maxLength ?? Number.POSITIVE_INFINITY, maxPositions(loaded));
  const lines = content.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    const fail = (msg: string) => errors.push(`line ${line}: ${msg}`);
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (err) {
      return fail(`not valid JSON (${err instanceof Error ? err.message : String(err)})`);
    }
    const parsed = lineSchema.safeParse(json);
    if (!parsed.success) {
      return fail(parsed.error.issues.map((is) => `${is.path.length ? is.path.join('.') : 'row'}: ${is.message}`).join('; '));
    }
    const v = parsed.data;
    if ((v.text === undefined) === (v.input_ids === undefined)) return fail('give exactly one of "text" (string) or "input_ids" (array of token ids)');
    if (v.text_pair !== undefined && v.text === undefined) return fail('"text_pair" goes with "text"');
    if (v.text_pair !== undefined && seq2seq) return fail('"text_pair" is for RoBERTa sentence pairs, not seq2seq models');
    if (v.attention_mask && !v.input_ids) return fail('"attention_mask" goes with "input_ids"');
    if (v.labels && !seq2seq) return fail('"labels" is only read for seq2seq models (teacher-forced loss)');
    let ids: number[];
    if (v.text !== undefined) {
      if (!loaded.tokenizer) return fail(`"text" needs tokenizer.json in ${loaded.dir}; give "input_ids" instead`);
      try {
        ids = loaded.tokenizer.encodeIds(v.text, v.text_pair, Number.isFinite(limit) ? limit : undefined);
      } catch (err) {
        return fail(err instanceof Error ? err.message : String(err));
      }
    } else {
      ids = v.input_ids!;
      if (ids.length > limit) return fail(`${ids.length} input_ids exceed the maximum of ${limit}`);
    }
    const bad = ids.findIndex((id) => id >= vocab);
    if (bad >= 0) return fail(`input_ids[${bad}] = ${ids[bad]} is outside the vocabulary (0..${vocab - 1})`);
    const mask = v.attention_mask ?? ids.map(() => 1);
    if (mask.length !== ids.length) return fail(`attention_mask has ${mask.length} entries for ${ids.length} input_ids`);
    const labels = v.labels;
    if (labels) {
      const badLabel = labels.findIndex((l) => l !== -100 && (l < 0 || l >= vocab));
      if (badLabel >= 0) return fail(`labels[${badLabel}] = ${labels[badLabel]} is neither -100 nor a token id`);
    }
    rows.push({ line, inputIds: ids, attentionMask: mask, labels });
  });
  if (errors.length) {
    const more = errors.length > 20 ? `\n… and ${errors.length - 20} more bad lines` : '';
    throw new PredictInputError(`${errors.length} bad input line${errors.length > 1 ? 's' : ''}:\n${errors.slice(0, 20).join('\n')}${more}`);
  }
  if (rows.length === 0) throw new PredictInputError('the input has no rows');
  return rows;
}

function round(x: number): number {
  return Number(x.toPrecision(7));
}

/** Runs the model on the rows in batches; yields one output object per row, in input order. */
export async function* predictRows(loaded: LoadedModel, rows: PredictRow[], opts: PredictOptions = {}): AsyncGenerator<Record<string, unknown>> {
  const size = Math.max(1, opts.batchSize ?? 8);
  const pad = loaded.model.config.padTokenId;
  for (let start = 0; start < rows.length; start += size) {
    const group = rows.slice(start, start + size);
    const ids = padBatch(group.map((r) => r.inputIds), pad);
    const masks = padBatch(group.map((r) => r.attentionMask), 0).inputIds;
    const batch = toBatch({ inputIds: ids.inputIds, attentionMask: masks });
    try {
      for (const out of await predictBatch(loaded, group, batch, opts)) yield out;
    } finally {
      disposeBatch(batch);
    }
  }
}

async function predictBatch(loaded: LoadedModel, group: PredictRow[], batch: ReturnType<typeof toBatch>, opts: PredictOptions): Promise<Record<string, unknown>[]> {
  const model = loaded.model;
  if (model instanceof RobertaForSequenceClassification) {
    const logits = tf.tidy(() => model.forward(batch));
    const values = (await logits.array()) as number[][];
    logits.dispose();
    const type = model.problemType();
    return values.map((row, i) => {
      const out: Record<string, unknown> = { line: group[i].line, logits: row.map(round) };
      if (type === 'regression') out.value = round(row[0]);
      else if (type === 'multi_label_classification') out.labels = row.flatMap((x, j) => (x > 0 ? [model.config.id2label[j]] : []));
      else {
        const best = row.indexOf(Math.max(...row));
        out.label = model.config.id2label[best] ?? String(best);
        out.label_id = best;
      }
      return out;
    });
  }
  if (model instanceof RobertaForMaskedLM) {
    const maskId = loaded.tokenizer?.maskTokenId ?? null;
    const logits = tf.tidy(() => model.forward(batch));
    const values = (await logits.array()) as number[][][];
    logits.dispose();
    return group.map((row, i) => {
      const predictions = row.inputIds.flatMap((id, pos) => {
        if (maskId === null || id !== maskId) return [];
        const scores = values[i][pos];
        const best = scores.indexOf(Math.max(...scores));
        return [{ position: pos, id: best, token: loaded.tokenizer?.idToToken(best) ?? null, logit: round(scores[best]) }];
      });
      return { line: row.line, logits: predictions.map((p) => p.logit), mask_predictions: predictions };
    });
  }
  const results = await model.generate(batch.inputIds, batch.attentionMask, { maxNewTokens: opts.maxNewTokens ?? 64, numBeams: opts.numBeams ?? 1 });
  const outputs: Record<string, unknown>[] = [];
  for (const [i, r] of results.entries()) {
    const out: Record<string, unknown> = {
      line: group[i].line,
      text: loaded.tokenizer ? loaded.tokenizer.decode(r.newTokens, true) : null,
      ids: r.newTokens,
      logits: r.tokenLogits.map(round),
    };
    if (opts.numBeams && opts.numBeams > 1) out.score = round(r.score);
    const labels = group[i].labels;
    if (labels) {
      const single = toBatch({ inputIds: [group[i].inputIds], attentionMask: [group[i].attentionMask], labels: [labels] });
      const loss = tf.tidy(() => model.loss(single));
      out.loss = round((await loss.data())[0]);
      loss.dispose();
      disposeBatch(single);
    }
    outputs.push(out);
  }
  return outputs;
}
