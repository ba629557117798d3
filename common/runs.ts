// What the store keeps about runs and what flows as live events: plain data for every side.
import type { OptimizerName } from './optimizers.ts';
import type { RunConfig, Task } from './runConfig.ts';

export const RUN_STATUSES = ['created', 'running', 'stopping', 'stopped', 'completed', 'failed', 'diverged', 'crashed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
/** Statuses from which `resume` continues from the last checkpoint. */
export const RESUMABLE_STATUSES: readonly RunStatus[] = ['stopped', 'failed', 'diverged', 'crashed'];
export const ACTIVE_STATUSES: readonly RunStatus[] = ['running', 'stopping'];

export type RunId = number;

export interface MetricValue {
  name: string;
  value: number;
  step: number;
}

export interface RunSummary {
  id: RunId;
  name: string;
  status: RunStatus;
  createdAt: string; // ISO 8601
  startedAt: string | null;
  finishedAt: string | null;
  /** Wall time spent training, summed over resumes. */
  durationMs: number;
  model: string; // folder or known name
  modelType: string | null; // "roberta" | "mt5"
  task: Task | null;
  dataset: string;
  optimizer: OptimizerName;
  backend: string | null; // backend actually used, e.g. "wasm"
  device: string | null; // e.g. "CPU (2 cores)" or "NVIDIA RTX 3060 6 GB"
  step: number;
  totalSteps: number | null;
  epoch: number;
  /** Metric named by the config (or the task default) at its best evaluation. */
  bestMetric: MetricValue | null;
  finalMetrics: Record<string, number>;
  /** Planner's predicted peak (bytes) and the measured peak (GPU memory, or tensor bytes on CPU). */
  predictedPeakBytes: number | null;
  measuredPeakBytes: number | null;
  tags: string[];
  error: string | null;
  resumedFrom: RunId | null;
  /** Training loss, downsampled to a few dozen points, for sparklines. */
  lossSparkline: number[];
}

export interface CheckpointInfo {
  id: number;
  runId: RunId;
  step: number;
  epoch: number;
  path: string;
  sizeBytes: number;
  metric: MetricValue | null;
  isBest: boolean;
  createdAt: string;
}

export interface ExportInfo {
  id: number;
  runId: RunId;
  path: string;
  sizeBytes: number;
  step: number;
  createdAt: string;
}

export interface RunDetail extends RunSummary {
  config: RunConfig;
  notes: string;
  checkpoints: CheckpointInfo[];
  exports: ExportInfo[];
  /** Sample generations of the last evaluation (seq2seq). */
  samples: { input: string; target: string; output: string }[];
}

/** One scalar at one optimizer step: train loss, learning rate, grad norm, eval metrics, … */
export interface MetricPoint {
  step: number;
  epoch: number;
  split: 'train' | 'eval';
  name: string;
  value: number;
  time: number; // ms since epoch
}

export interface SystemSample {
  time: number; // ms since epoch
  step: number | null;
  gpuUsedBytes: number | null;
  gpuTotalBytes: number | null;
  gpuUtilPercent: number | null;
  gpuTemperatureC: number | null;
  rssBytes: number;
  tensorBytes: number;
}

/** A curve: x (step) and y arrays of equal length. */
export interface Series {
  runId: RunId;
  name: string; // e.g. "train/loss", "eval/accuracy", "train/lr"
  x: number[];
  y: number[];
}

export interface LogLine {
  time: number;
  level: 'info' | 'warn' | 'error';
  message: string;
}

export interface Progress {
  step: number;
  totalSteps: number | null;
  epoch: number;
  samplesPerSecond: number | null;
  etaMs: number | null;
}

/** Live events; transports deliver them in batches (arrays), never one message per step. */
export type RunEvent =
  | { type: 'run-created'; run: RunSummary }
  | { type: 'run-deleted'; runId: RunId }
  | { type: 'status'; runId: RunId; status: RunStatus; error: string | null }
  | { type: 'progress'; runId: RunId; progress: Progress }
  | { type: 'metrics'; runId: RunId; points: MetricPoint[] }
  | { type: 'system'; runId: RunId; samples: SystemSample[] }
  | { type: 'log'; runId: RunId; lines: LogLine[] }
  | { type: 'checkpoint'; runId: RunId; checkpoint: CheckpointInfo }
  | { type: 'export'; runId: RunId; export: ExportInfo };

export const RUN_SORT_KEYS = ['createdAt', 'name', 'status', 'bestMetric', 'durationMs', 'measuredPeakBytes', 'model', 'optimizer'] as const;
export type RunSortKey = (typeof RUN_SORT_KEYS)[number];

export interface RunQuery {
  offset?: number;
  limit?: number; // default 50, max 500
  sort?: RunSortKey;
  order?: 'asc' | 'desc';
  status?: RunStatus[];
  task?: Task[];
  optimizer?: OptimizerName[];
  tag?: string;
  /** Free text over name, model, dataset, notes and tags. */
  search?: string;
}

export interface Page<T> {
  items: T[];
  total: number;
  offset: number;
  limit: number;
}

export interface ConfigDiffEntry {
  /** Dotted path in the config, e.g. "optimizer.name". */
  path: string;
  /** One value per compared run, in the order of `runIds` (undefined where absent). */
  values: unknown[];
}

export interface Comparison {
  runs: RunSummary[];
  series: Series[];
  configDiff: ConfigDiffEntry[];
}
