// Inputs of the store's write API (what the run manager and the trainer pass in). Times are ms since
// the Unix epoch; the read side (common/runs.ts) gives ISO strings.
import type { OptimizerName } from '../../common/optimizers.ts';
import type { RunConfig, Task } from '../../common/runConfig.ts';
import type { MetricValue, RunId, RunStatus } from '../../common/runs.ts';

export interface NewRun {
  config: RunConfig;
  /** Default: config.name, else "<model folder>-<optimizer>-<id>". */
  name?: string;
  /** Defaults below come from the config: model, dataset.train, optimizer.name, task, tags, notes. */
  model?: string;
  dataset?: string;
  optimizer?: OptimizerName;
  task?: Task | null;
  modelType?: string | null;
  status?: RunStatus;
  backend?: string | null;
  device?: string | null;
  totalSteps?: number | null;
  predictedPeakBytes?: number | null;
  resumedFrom?: RunId | null;
  tags?: string[];
  notes?: string;
  createdAt?: number;
}

/** Fields the run manager and the trainer update as a run goes. */
export interface RunPatch {
  name?: string;
  status?: RunStatus;
  startedAt?: number | null;
  finishedAt?: number | null;
  durationMs?: number;
  step?: number;
  totalSteps?: number | null;
  epoch?: number;
  bestMetric?: MetricValue | null;
  finalMetrics?: Record<string, number>;
  modelType?: string | null;
  task?: Task | null;
  backend?: string | null;
  device?: string | null;
  predictedPeakBytes?: number | null;
  measuredPeakBytes?: number | null;
  error?: string | null;
  pid?: number | null;
  heartbeatAt?: number | null;
  samples?: { input: string; target: string; output: string }[];
}

export interface NewCheckpoint {
  step: number;
  epoch: number;
  path: string;
  sizeBytes: number;
  metric?: { name: string; value: number } | null;
  /** Marks this one best and clears the flag on the run's other checkpoints. */
  isBest?: boolean;
  createdAt?: number;
}

export interface NewExport {
  path: string;
  sizeBytes: number;
  step: number;
  createdAt?: number;
}

/** What deleteRun removed from the database; the caller deletes these files. */
export interface DeletedRunFiles {
  checkpointPaths: string[];
  exportPaths: string[];
}
