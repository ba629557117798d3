// Zod schemas for every StudioApi method's params: what crosses the WebSocket or IPC edge is checked
// here before any service sees it. Run configs are checked with parseRunConfig, whose messages name
// the field and the allowed values.
import { z } from 'zod';
import type { ApiMethod, ApiParams } from '../../common/api.ts';
import { OPTIMIZER_NAMES } from '../../common/optimizers.ts';
import { BackendChoiceSchema, DatasetSpecSchema, parseRunConfig, TaskSchema, type RunConfigInput } from '../../common/runConfig.ts';
import { RUN_SORT_KEYS, RUN_STATUSES } from '../../common/runs.ts';

const runId = z.number().int().positive();
const maxPoints = z.number().int().min(2).max(100_000).optional();
const path = z.string().min(1).max(4096);
const names = z.array(z.string().min(1).max(200)).max(200).optional();

const runConfigInput = z.custom<RunConfigInput>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), 'config must be an object').superRefine((v, ctx) => {
  const res = parseRunConfig(v);
  if (!res.ok) for (const line of res.errors) ctx.addIssue({ code: 'custom', message: line, path: [] });
});

export const PlanInputSchema = z.strictObject({
  model: path,
  task: TaskSchema.optional(),
  numLabels: z.number().int().positive().optional(),
  optimizer: z.enum(OPTIMIZER_NAMES),
  blockSize: z.number().int().positive().optional(),
  min8bitSize: z.number().int().nonnegative().optional(),
  stableEmbedding: z.boolean().optional(),
  freezeEmbeddings: z.boolean().optional(),
  freezeLmHead: z.boolean().optional(),
  stateOverrides: z.array(z.strictObject({ tensor: z.string().min(1), stateBits: z.union([z.literal(8), z.literal(32)]) })).optional(),
  batchSize: z.number().int().positive(),
  seqLength: z.number().int().positive(),
  targetLength: z.number().int().positive().optional(),
  gradAccumSteps: z.number().int().positive().optional(),
  backend: BackendChoiceSchema.optional(),
  optimizerKernel: z.enum(['auto', 'in-place', 'composed']).optional(),
  dropout: z.boolean().optional(),
  gpuBytes: z.number().positive().finite(),
});

export const RunQuerySchema = z.strictObject({
  offset: z.number().int().nonnegative().optional(),
  limit: z.number().int().positive().max(500).optional(),
  sort: z.enum(RUN_SORT_KEYS).optional(),
  order: z.enum(['asc', 'desc']).optional(),
  status: z.array(z.enum(RUN_STATUSES)).optional(),
  task: z.array(TaskSchema).optional(),
  optimizer: z.array(z.enum(OPTIMIZER_NAMES)).optional(),
  tag: z.string().max(64).optional(),
  search: z.string().max(500).optional(),
});

type ParamSchemas = { [M in ApiMethod]: z.ZodType<ApiParams<M>> };

export const paramSchemas = {
  systemInfo: z.strictObject({}) as unknown as z.ZodType<ApiParams<'systemInfo'>>,
  bundledAssets: z.strictObject({}) as unknown as z.ZodType<ApiParams<'bundledAssets'>>,
  inspectModel: z.strictObject({ path }),
  previewDataset: z.strictObject({ spec: DatasetSpecSchema, rows: z.number().int().positive().max(1000).optional() }),
  plan: PlanInputSchema,
  listRuns: RunQuerySchema,
  getRun: z.strictObject({ id: runId }),
  createRun: z.strictObject({ config: runConfigInput, start: z.boolean().optional() }),
  startRun: z.strictObject({ id: runId }),
  stopRun: z.strictObject({ id: runId }),
  resumeRun: z.strictObject({ id: runId }),
  deleteRun: z.strictObject({ id: runId, withExports: z.boolean().optional() }),
  exportRun: z.strictObject({ id: runId, dir: path.optional(), checkpoint: z.enum(['best', 'last']).optional() }),
  setTags: z.strictObject({ id: runId, tags: z.array(z.string().min(1).max(64)).max(100) }),
  setNotes: z.strictObject({ id: runId, notes: z.string().max(10_000) }),
  getSeries: z.strictObject({ id: runId, names, maxPoints }),
  getSystemSamples: z.strictObject({ id: runId, maxPoints }),
  getLog: z.strictObject({ id: runId, tail: z.number().int().positive().max(100_000).optional() }),
  compareRuns: z.strictObject({ ids: z.array(runId).min(1).max(20), names, maxPoints }),
} satisfies ParamSchemas;
