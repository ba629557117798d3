// The run configuration: one schema for config files (YAML/JSON), the CLI, the server and the UI.
import { z } from 'zod';
import { BLOCK_SIZES, DEFAULT_BLOCK_SIZE, DEFAULT_MIN_8BIT_SIZE, OPTIMIZER_NAMES, type BlockSize } from './optimizers.ts';

export const TASKS = ['classification', 'regression', 'seq2seq'] as const;
export const TaskSchema = z.enum(TASKS);
export type Task = z.infer<typeof TaskSchema>;

export const DATASET_FORMATS = ['csv', 'tsv', 'jsonl', 'parquet'] as const;
export const DatasetFormatSchema = z.enum(DATASET_FORMATS);
export type DatasetFormat = z.infer<typeof DatasetFormatSchema>;

export const BACKENDS = ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;
export const BackendChoiceSchema = z.enum(BACKENDS);
export type BackendChoice = z.infer<typeof BackendChoiceSchema>;

export const SCHEDULES = ['linear', 'cosine', 'constant'] as const;

export const ColumnMappingSchema = z.strictObject({
  /** Input text column. */
  text: z.string().min(1).default('text'),
  /** Optional second text (sentence pairs, GLUE style). */
  textPair: z.string().min(1).optional(),
  /** Class or regression target (classification / regression). */
  label: z.string().min(1).optional(),
  /** Target text (seq2seq). */
  target: z.string().min(1).optional(),
});
export type ColumnMapping = z.infer<typeof ColumnMappingSchema>;

export const DatasetSpecSchema = z.strictObject({
  /** Path of the training file. */
  train: z.string().min(1),
  /** Path of a validation file; without it `validationFraction` of train is held out (seeded). */
  validation: z.string().min(1).optional(),
  /** Inferred from the file extension when absent. */
  format: DatasetFormatSchema.optional(),
  columns: ColumnMappingSchema.default({ text: 'text' }),
  validationFraction: z.number().gt(0).lt(1).default(0.1),
  splitSeed: z.number().int().nonnegative().default(13),
  /** Use at most this many training rows (after the split). */
  maxRows: z.number().int().positive().optional(),
});
export type DatasetSpec = z.infer<typeof DatasetSpecSchema>;

export const OptimizerConfigSchema = z.strictObject({
  name: z.enum(OPTIMIZER_NAMES).default('adamw8bit'),
  lr: z.number().positive().max(10).default(5e-5),
  /** Default: 0.01 for adamw*, 0 for the rest (bitsandbytes' defaults). */
  weightDecay: z.number().nonnegative().optional(),
  betas: z.tuple([z.number().gt(0).lt(1), z.number().gt(0).lt(1)]).optional(),
  eps: z.number().positive().optional(),
  blockSize: z
    .number()
    .refine((b): b is BlockSize => (BLOCK_SIZES as readonly number[]).includes(b), {
      message: `must be a power of two from 64 to 4096; allowed values: ${BLOCK_SIZES.join(', ')}`,
    })
    .default(DEFAULT_BLOCK_SIZE),
  min8bitSize: z.number().int().nonnegative().default(DEFAULT_MIN_8BIT_SIZE),
});
export type OptimizerConfig = z.infer<typeof OptimizerConfigSchema>;

export const ModelOptionsSchema = z.strictObject({
  /** Replace the token embedding by the stable embedding (Xavier init + LayerNorm, 32-bit state). */
  stableEmbedding: z.boolean().default(false),
  freezeEmbeddings: z.boolean().default(false),
  freezeLmHead: z.boolean().default(false),
  /** Overrides every dropout rate of the model (0 turns dropout off, e.g. for tiny models); default: the model's. */
  dropout: z.number().min(0).lt(1).optional(),
});
export type ModelOptions = z.infer<typeof ModelOptionsSchema>;

export const TrainingSchema = z.strictObject({
  epochs: z.number().int().positive().optional(),
  maxSteps: z.number().int().positive().optional(),
  batchSize: z.number().int().positive().max(4096).default(8),
  gradAccumSteps: z.number().int().positive().default(1),
  warmupSteps: z.number().int().nonnegative().optional(),
  warmupRatio: z.number().min(0).max(1).default(0.06),
  schedule: z.enum(SCHEDULES).default('linear'),
  /** Clip gradients to this global norm; 0 turns clipping off. */
  maxGradNorm: z.number().nonnegative().default(1),
  seed: z.number().int().nonnegative().default(42),
  maxLength: z.number().int().positive().max(4096).default(128),
  maxTargetLength: z.number().int().positive().max(4096).default(64),
  /** Evaluate every N optimizer steps (and always at the end of each epoch). */
  evalEverySteps: z.number().int().positive().optional(),
  /** Metric that picks the best checkpoint and drives early stopping; default per task. */
  metric: z.string().optional(),
  earlyStoppingPatience: z.number().int().positive().optional(),
  /** Number of validation rows generated and shown as samples (seq2seq). */
  sampleGenerations: z.number().int().nonnegative().default(3),
});
export type TrainingConfig = z.infer<typeof TrainingSchema>;

export const CheckpointConfigSchema = z.strictObject({
  /** Save every N optimizer steps (and at each evaluation); default: at each evaluation only. */
  everySteps: z.number().int().positive().optional(),
  keepLast: z.number().int().positive().default(2),
  keepBest: z.boolean().default(true),
});
export type CheckpointConfig = z.infer<typeof CheckpointConfigSchema>;

export const RunConfigSchema = z.strictObject({
  name: z.string().min(1).max(200).optional(),
  /** A Hugging Face model folder (config.json, *.safetensors, tokenizer.json). */
  model: z.string().min(1),
  /** Inferred from the model when absent. */
  task: TaskSchema.optional(),
  dataset: DatasetSpecSchema,
  optimizer: OptimizerConfigSchema.default(OptimizerConfigSchema.parse({})),
  modelOptions: ModelOptionsSchema.default(ModelOptionsSchema.parse({})),
  training: TrainingSchema.default(TrainingSchema.parse({})),
  checkpoints: CheckpointConfigSchema.default(CheckpointConfigSchema.parse({})),
  backend: BackendChoiceSchema.default('auto'),
  /** GPU memory the planner checks against, e.g. "6GB"; default: the detected GPU. */
  gpuMemory: z.string().optional(),
  tags: z.array(z.string().min(1).max(64)).default([]),
  notes: z.string().max(10_000).optional(),
});
export type RunConfig = z.infer<typeof RunConfigSchema>;
export type RunConfigInput = z.input<typeof RunConfigSchema>;

/** Validates a config and turns zod's issues into lines that name the field and the allowed values. */
export function parseRunConfig(input: unknown): { ok: true; config: RunConfig } | { ok: false; errors: string[] } {
  const res = RunConfigSchema.safeParse(input);
  if (res.success) {
    const t = res.data.training;
    if (t.epochs === undefined && t.maxSteps === undefined) t.epochs = 3;
    return { ok: true, config: res.data };
  }
  return { ok: false, errors: res.error.issues.map((i) => formatIssue(i, input)) };
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = input;
  for (const k of path) v = v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined;
  return v;
}

function formatIssue(issue: z.core.$ZodIssue, input: unknown): string {
  const path = issue.path.length ? issue.path.join('.') : '(root)';
  switch (issue.code) {
    case 'invalid_value':
      return `${path}: got ${JSON.stringify(valueAt(input, issue.path))}; allowed values: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'unrecognized_keys':
      return `${path}: unknown field(s) ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
    default:
      return `${path}: ${issue.message}`;
  }
}
