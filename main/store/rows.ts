// Row shapes as SQLite returns them and their mapping to the plain types of common/runs.ts.
import { z } from 'zod';
import { OPTIMIZER_NAMES, type OptimizerName } from '../../common/optimizers.ts';
import { RunConfigSchema, TASKS, type RunConfig } from '../../common/runConfig.ts';
import {
  RUN_STATUSES, type CheckpointInfo, type ExportInfo, type MetricValue, type RunDetail, type RunStatus, type RunSummary,
} from '../../common/runs.ts';

export interface RunRow {
  id: number;
  name: string;
  status: string;
  config: string;
  model: string;
  model_type: string | null;
  dataset: string;
  task: string | null;
  optimizer: string;
  backend: string | null;
  device: string | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  duration_ms: number;
  step: number;
  total_steps: number | null;
  epoch: number;
  best_metric_name: string | null;
  best_metric_value: number | null;
  best_metric_step: number | null;
  final_metrics: string;
  predicted_peak_bytes: number | null;
  measured_peak_bytes: number | null;
  error: string | null;
  resumed_from: number | null;
  pid: number | null;
  heartbeat_at: number | null;
  notes: string;
  samples: string;
  loss_sparkline: string;
}

/** Columns of the summary (everything but the config, notes and samples). */
export const SUMMARY_COLUMNS = `id, name, status, model, model_type, dataset, task, optimizer, backend, device, created_at, started_at,
  finished_at, duration_ms, step, total_steps, epoch, best_metric_name, best_metric_value, best_metric_step, final_metrics,
  predicted_peak_bytes, measured_peak_bytes, error, resumed_from, loss_sparkline`;

export const RunStatusSchema = z.enum(RUN_STATUSES);
const TaskSchema = z.enum(TASKS);
const OptimizerSchema = z.enum(OPTIMIZER_NAMES);

export const iso = (ms: number): string => new Date(ms).toISOString();
export const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));

/** SQLite stores NaN as NULL, and JSON writes NaN as null: both come back as NaN. */
export const nanFromNull = (v: number | null): number => (v === null ? Number.NaN : v);

export function parseNumberRecord(json: string): Record<string, number> {
  const raw = JSON.parse(json) as Record<string, number | null>;
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(raw)) out[k] = typeof v === 'number' ? v : Number.NaN;
  return out;
}

export function parseNumberArray(json: string): number[] {
  return (JSON.parse(json) as (number | null)[]).map((v) => (typeof v === 'number' ? v : Number.NaN));
}

export function toSummary(r: Omit<RunRow, 'config' | 'notes' | 'samples' | 'pid' | 'heartbeat_at'>, tags: string[]): RunSummary {
  const best: MetricValue | null =
    r.best_metric_name === null ? null : { name: r.best_metric_name, value: nanFromNull(r.best_metric_value), step: r.best_metric_step ?? 0 };
  return {
    id: r.id,
    name: r.name,
    status: RunStatusSchema.catch('failed' as RunStatus).parse(r.status),
    createdAt: iso(r.created_at),
    startedAt: isoOrNull(r.started_at),
    finishedAt: isoOrNull(r.finished_at),
    durationMs: r.duration_ms,
    model: r.model,
    modelType: r.model_type,
    task: r.task === null ? null : (TaskSchema.safeParse(r.task).data ?? null),
    dataset: r.dataset,
    // A name this version does not know still shows; the union type is the contract for known ones.
    optimizer: (OptimizerSchema.safeParse(r.optimizer).data ?? r.optimizer) as OptimizerName,
    backend: r.backend,
    device: r.device,
    step: r.step,
    totalSteps: r.total_steps,
    epoch: r.epoch,
    bestMetric: best,
    finalMetrics: parseNumberRecord(r.final_metrics),
    predictedPeakBytes: r.predicted_peak_bytes,
    measuredPeakBytes: r.measured_peak_bytes,
    tags,
    error: r.error,
    resumedFrom: r.resumed_from,
    lossSparkline: parseNumberArray(r.loss_sparkline),
  };
}

/**
 * The stored config was validated when the run was created. Parsing again fills defaults added since;
 * a config from an older schema that no longer validates is still returned as stored, so old runs stay
 * browsable.
 */
export function parseStoredConfig(json: string): RunConfig {
  const raw: unknown = JSON.parse(json);
  const res = RunConfigSchema.safeParse(raw);
  return res.success ? res.data : (raw as RunConfig);
}

const SamplesSchema = z.array(z.object({ input: z.string(), target: z.string(), output: z.string() })).catch([]);

export function toDetail(r: RunRow, tags: string[], checkpoints: CheckpointInfo[], exports: ExportInfo[]): RunDetail {
  return {
    ...toSummary(r, tags),
    config: parseStoredConfig(r.config),
    notes: r.notes,
    checkpoints,
    exports,
    samples: SamplesSchema.parse(JSON.parse(r.samples)),
  };
}

export interface CheckpointRow {
  id: number;
  run_id: number;
  step: number;
  epoch: number;
  path: string;
  size_bytes: number;
  metric_name: string | null;
  metric_value: number | null;
  is_best: number;
  created_at: number;
}

export function toCheckpoint(r: CheckpointRow): CheckpointInfo {
  return {
    id: r.id,
    runId: r.run_id,
    step: r.step,
    epoch: r.epoch,
    path: r.path,
    sizeBytes: r.size_bytes,
    metric: r.metric_name === null ? null : { name: r.metric_name, value: nanFromNull(r.metric_value), step: r.step },
    isBest: r.is_best === 1,
    createdAt: iso(r.created_at),
  };
}

export interface ExportRow {
  id: number;
  run_id: number;
  path: string;
  size_bytes: number;
  step: number;
  created_at: number;
}

export function toExport(r: ExportRow): ExportInfo {
  return { id: r.id, runId: r.run_id, path: r.path, sizeBytes: r.size_bytes, step: r.step, createdAt: iso(r.created_at) };
}

