// Messages between a run's host (run manager) and its trainer process. The same shapes travel over
// child_process IPC (CLI, `octet serve`) and Electron's utilityProcess port.
import type { CheckpointInfo, LogLine, MetricPoint, Progress, RunId, RunStatus, SystemSample } from '../../common/runs.ts';

export interface TrainerStartArgs {
  runId: RunId;
  dbPath: string;
  dataDir: string;
  /** Continue from the run's last checkpoint. */
  resume: boolean;
  /** Stop gracefully (checkpoint, status `stopped`) once this step is done: scripted partial runs and tests. */
  stopAfterStep?: number;
}

export type ToTrainer =
  | { type: 'start'; args: TrainerStartArgs }
  /** Graceful stop: finish the current step, save a checkpoint, exit. */
  | { type: 'stop' };

export type FromTrainer =
  | { type: 'ready'; pid: number }
  | { type: 'status'; status: RunStatus; error: string | null }
  | { type: 'progress'; progress: Progress }
  | { type: 'metrics'; points: MetricPoint[] }
  | { type: 'system'; samples: SystemSample[] }
  | { type: 'log'; lines: LogLine[] }
  | { type: 'checkpoint'; checkpoint: CheckpointInfo }
  | { type: 'done'; status: RunStatus; error: string | null };
