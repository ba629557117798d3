// The New-run form as plain data: defaults from the run-config schema, form → config, config → form,
// validation with common/runConfig's parseRunConfig (errors keyed by the config path they name).
import { DEFAULT_BLOCK_SIZE, parseOptimizerName, type OptimizerAlgorithm, type OptimizerName } from '../../../common/optimizers.ts';
import type { PlanInput } from '../../../common/planner.ts';
import {
  OptimizerConfigSchema,
  TrainingSchema,
  parseRunConfig,
  type BackendChoice,
  type DatasetFormat,
  type RunConfig,
  type RunConfigInput,
  type Task,
} from '../../../common/runConfig.ts';

export interface NewRunForm {
  name: string;
  model: string;
  task: Task | '';
  train: string;
  validation: string;
  format: DatasetFormat | '';
  columns: { text: string; textPair: string; label: string; target: string };
  validationFraction: number | null;
  maxRows: number | null;
  algorithm: OptimizerAlgorithm;
  bits: 8 | 32;
  blockSize: number;
  lr: number | null;
  weightDecay: number | null;
  stableEmbedding: boolean;
  freezeEmbeddings: boolean;
  freezeLmHead: boolean;
  length: 'epochs' | 'steps';
  epochs: number | null;
  maxSteps: number | null;
  batchSize: number | null;
  gradAccumSteps: number | null;
  maxLength: number | null;
  maxTargetLength: number | null;
  warmupRatio: number | null;
  schedule: 'linear' | 'cosine' | 'constant';
  evalEverySteps: number | null;
  seed: number | null;
  backend: BackendChoice;
  checkpointEvery: number | null;
  tags: string;
  notes: string;
  /** GPU capacity the planner checks against; null = the detected GPU. */
  gpuMemory: string | null;
}

export function defaultForm(): NewRunForm {
  const opt = OptimizerConfigSchema.parse({});
  const tr = TrainingSchema.parse({});
  const { algorithm, bits } = parseOptimizerName(opt.name);
  return {
    name: '',
    model: '',
    task: '',
    train: '',
    validation: '',
    format: '',
    columns: { text: 'text', textPair: '', label: 'label', target: '' },
    validationFraction: 0.1,
    maxRows: null,
    algorithm,
    bits,
    blockSize: opt.blockSize ?? DEFAULT_BLOCK_SIZE,
    lr: opt.lr,
    weightDecay: null,
    stableEmbedding: false,
    freezeEmbeddings: false,
    freezeLmHead: false,
    length: 'epochs',
    epochs: 3,
    maxSteps: null,
    batchSize: tr.batchSize,
    gradAccumSteps: tr.gradAccumSteps,
    maxLength: tr.maxLength,
    maxTargetLength: tr.maxTargetLength,
    warmupRatio: tr.warmupRatio,
    schedule: tr.schedule,
    evalEverySteps: null,
    seed: tr.seed,
    backend: 'auto',
    checkpointEvery: null,
    tags: '',
    notes: '',
    gpuMemory: null,
  };
}

export function optimizerName(f: Pick<NewRunForm, 'algorithm' | 'bits'>): OptimizerName {
  return `${f.algorithm}${f.bits}bit` as OptimizerName;
}

export function parseTags(text: string): string[] {
  return [...new Set(text.split(',').map((t) => t.trim()).filter(Boolean))];
}

/** Optional numbers: empty inputs are left out so the schema's defaults apply. */
function opt<T>(v: T | null | undefined): T | undefined {
  return v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v)) ? undefined : v;
}

/** Required numbers: an empty input stays null so validation names the field. */
function req(v: number | null): number | null {
  return v === null || Number.isNaN(v) ? null : v;
}

export function formToConfig(f: NewRunForm): Record<string, unknown> {
  const task = f.task || undefined;
  const columns: Record<string, string> = { text: f.columns.text };
  if (f.columns.textPair) columns.textPair = f.columns.textPair;
  if (task !== 'seq2seq' && f.columns.label) columns.label = f.columns.label;
  if (task === 'seq2seq' && f.columns.target) columns.target = f.columns.target;
  const training: Record<string, unknown> = {
    batchSize: req(f.batchSize),
    gradAccumSteps: req(f.gradAccumSteps),
    maxLength: req(f.maxLength),
    warmupRatio: req(f.warmupRatio),
    schedule: f.schedule,
    seed: req(f.seed),
  };
  if (f.length === 'epochs') training.epochs = req(f.epochs);
  else training.maxSteps = req(f.maxSteps);
  if (task === 'seq2seq') training.maxTargetLength = req(f.maxTargetLength);
  if (opt(f.evalEverySteps) !== undefined) training.evalEverySteps = f.evalEverySteps;
  const optimizer: Record<string, unknown> = { name: optimizerName(f), lr: req(f.lr), blockSize: f.blockSize };
  if (opt(f.weightDecay) !== undefined) optimizer.weightDecay = f.weightDecay;
  const dataset: Record<string, unknown> = { train: f.train.trim(), columns, validationFraction: req(f.validationFraction) };
  if (f.validation.trim()) dataset.validation = f.validation.trim();
  if (f.format) dataset.format = f.format;
  if (opt(f.maxRows) !== undefined) dataset.maxRows = f.maxRows;
  const config: Record<string, unknown> = {
    model: f.model.trim(),
    dataset,
    optimizer,
    modelOptions: { stableEmbedding: f.stableEmbedding, freezeEmbeddings: f.freezeEmbeddings, freezeLmHead: task === 'seq2seq' && f.freezeLmHead },
    training,
    backend: f.backend,
    tags: parseTags(f.tags),
  };
  if (f.name.trim()) config.name = f.name.trim();
  if (task) config.task = task;
  if (f.checkpointEvery !== null && !Number.isNaN(f.checkpointEvery)) config.checkpoints = { everySteps: f.checkpointEvery };
  if (f.notes.trim()) config.notes = f.notes;
  if (f.gpuMemory) config.gpuMemory = f.gpuMemory;
  return config;
}

/** A past run's config back into the form ("Run again with changes"). */
export function configToForm(c: RunConfig): NewRunForm {
  const { algorithm, bits } = parseOptimizerName(c.optimizer.name);
  const d = defaultForm();
  return {
    ...d,
    name: c.name ? `${c.name} (copy)` : '',
    model: c.model,
    task: c.task ?? '',
    train: c.dataset.train,
    validation: c.dataset.validation ?? '',
    format: c.dataset.format ?? '',
    columns: {
      text: c.dataset.columns.text,
      textPair: c.dataset.columns.textPair ?? '',
      label: c.dataset.columns.label ?? '',
      target: c.dataset.columns.target ?? '',
    },
    validationFraction: c.dataset.validationFraction,
    maxRows: c.dataset.maxRows ?? null,
    algorithm,
    bits,
    blockSize: c.optimizer.blockSize,
    lr: c.optimizer.lr,
    weightDecay: c.optimizer.weightDecay ?? null,
    stableEmbedding: c.modelOptions.stableEmbedding,
    freezeEmbeddings: c.modelOptions.freezeEmbeddings,
    freezeLmHead: c.modelOptions.freezeLmHead,
    length: c.training.maxSteps !== undefined && c.training.epochs === undefined ? 'steps' : 'epochs',
    epochs: c.training.epochs ?? 3,
    maxSteps: c.training.maxSteps ?? null,
    batchSize: c.training.batchSize,
    gradAccumSteps: c.training.gradAccumSteps,
    maxLength: c.training.maxLength,
    maxTargetLength: c.training.maxTargetLength,
    warmupRatio: c.training.warmupRatio,
    schedule: c.training.schedule,
    evalEverySteps: c.training.evalEverySteps ?? null,
    seed: c.training.seed,
    backend: c.backend,
    checkpointEvery: c.checkpoints.everySteps ?? null,
    tags: c.tags.join(', '),
    notes: c.notes ?? '',
    gpuMemory: c.gpuMemory ?? null,
  };
}

export type FieldErrors = Map<string, string[]>;

/** "optimizer.lr: Too small…" → { "optimizer.lr" → ["Too small…"] }. Lines without a path go under "". */
export function fieldErrors(lines: string[]): FieldErrors {
  const map: FieldErrors = new Map();
  for (const line of lines) {
    const m = /^([A-Za-z0-9_.]+|\(root\)): (.*)$/s.exec(line.trim());
    const key = m && m[1] !== '(root)' ? m[1] : '';
    const msg = plainMessage(m ? m[2] : line);
    map.set(key, [...(map.get(key) ?? []), msg]);
  }
  return map;
}

/** zod's wording for empty inputs, said the way a form says it. */
function plainMessage(msg: string): string {
  if (/^Too small: expected string to have >=1 characters?$/.test(msg)) return 'required';
  if (/^Invalid input: expected number, received (null|NaN)$/.test(msg)) return 'required (a number)';
  return msg;
}

/** Errors at a config path or under it (e.g. "tags" also gets "tags.0"). */
export function errorsAt(errors: FieldErrors, path: string): string[] {
  const out: string[] = [];
  for (const [k, msgs] of errors) if (k === path || k.startsWith(`${path}.`)) out.push(...msgs);
  return out;
}

export function validateForm(f: NewRunForm): { ok: true; config: RunConfigInput } | { ok: false; errors: FieldErrors } {
  const input = formToConfig(f);
  const res = parseRunConfig(input);
  if (res.ok) return { ok: true, config: input as RunConfigInput };
  return { ok: false, errors: fieldErrors(res.errors) };
}

/** What the planner needs from the form; null while the form can't describe a run yet. */
export function planInputOf(f: NewRunForm, gpuBytes: number, numLabels: number | null): PlanInput | null {
  if (!f.model.trim() || !f.batchSize || f.batchSize < 1 || !f.maxLength || f.maxLength < 1) return null;
  const input: PlanInput = {
    model: f.model.trim(),
    optimizer: optimizerName(f),
    blockSize: f.blockSize,
    stableEmbedding: f.stableEmbedding,
    freezeEmbeddings: f.freezeEmbeddings,
    freezeLmHead: f.task === 'seq2seq' && f.freezeLmHead,
    batchSize: f.batchSize,
    seqLength: f.maxLength,
    backend: f.backend,
    gpuBytes,
  };
  if (f.task) input.task = f.task;
  if (f.gradAccumSteps && f.gradAccumSteps > 1) input.gradAccumSteps = f.gradAccumSteps;
  if (numLabels && numLabels > 0) input.numLabels = numLabels;
  if (f.task === 'seq2seq' && f.maxTargetLength) input.targetLength = f.maxTargetLength;
  return input;
}

/** Merges client and server errors; empty required paths stay hidden until the first submit. */
export function visibleErrors(client: FieldErrors | null, server: FieldErrors, hide: string[]): FieldErrors {
  const all: FieldErrors = new Map(client ?? []);
  for (const [k, v] of server) all.set(k, [...(all.get(k) ?? []), ...v]);
  for (const k of hide) all.delete(k);
  return all;
}
