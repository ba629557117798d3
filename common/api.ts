// The one typed API behind every front door: the CLI calls it in-process, the renderer calls it over
// Electron IPC (preload) or over WebSocket (`octet serve`). Every method takes one params object and
// returns plain data; errors cross the boundary as { name, message }.
import type { DatasetPreview } from './datasets.ts';
import type { ModelInfo } from './models.ts';
import type { PlanInput, PlanResult } from './planner.ts';
import type { DatasetSpec, RunConfigInput } from './runConfig.ts';
import type {
  Comparison, ExportInfo, LogLine, Page, RunDetail, RunEvent, RunId, RunQuery, RunSummary, Series, SystemSample,
} from './runs.ts';

export interface GpuInfo {
  index: number;
  name: string;
  memoryTotalBytes: number;
  memoryUsedBytes: number;
  utilizationPercent: number | null;
  temperatureC: number | null;
}

export interface SystemInfo {
  version: string;
  dataDir: string;
  dbPath: string;
  /** Backends that can be used here, best first, with the reason others are missing. */
  backends: { name: string; available: boolean; reason: string }[];
  gpus: GpuInfo[];
  /** Why no GPU is listed, in plain words (driver missing, nvidia-smi absent, …). */
  gpuNote: string | null;
  cpuCores: number;
  totalMemoryBytes: number;
}

export interface BundledAssets {
  models: { name: string; path: string; task: string; description: string }[];
  datasets: { name: string; path: string; task: string; description: string; columns: Record<string, string> }[];
}

export interface StudioApi {
  systemInfo(params: Record<string, never>): Promise<SystemInfo>;
  bundledAssets(params: Record<string, never>): Promise<BundledAssets>;
  inspectModel(params: { path: string }): Promise<ModelInfo>;
  previewDataset(params: { spec: DatasetSpec; rows?: number }): Promise<DatasetPreview>;
  plan(params: PlanInput): Promise<PlanResult>;

  listRuns(params: RunQuery): Promise<Page<RunSummary>>;
  getRun(params: { id: RunId }): Promise<RunDetail>;
  /** Validates the config (errors name the field and allowed values), stores it, and starts it unless start is false. */
  createRun(params: { config: RunConfigInput; start?: boolean }): Promise<RunSummary>;
  startRun(params: { id: RunId }): Promise<RunSummary>;
  /** Graceful: the trainer saves a checkpoint and the run becomes `stopped`. */
  stopRun(params: { id: RunId }): Promise<RunSummary>;
  /** Continues a stopped/failed/crashed run from its last checkpoint. */
  resumeRun(params: { id: RunId }): Promise<RunSummary>;
  /** Deletes the run, its rows and its files (checkpoints, logs; exports only if withExports). */
  deleteRun(params: { id: RunId; withExports?: boolean }): Promise<{ deleted: RunId }>;
  exportRun(params: { id: RunId; dir?: string; checkpoint?: 'best' | 'last' }): Promise<ExportInfo>;
  setTags(params: { id: RunId; tags: string[] }): Promise<RunSummary>;
  setNotes(params: { id: RunId; notes: string }): Promise<RunSummary>;
  /** Curves downsampled to at most maxPoints each (default 2000). */
  getSeries(params: { id: RunId; names?: string[]; maxPoints?: number }): Promise<Series[]>;
  getSystemSamples(params: { id: RunId; maxPoints?: number }): Promise<SystemSample[]>;
  getLog(params: { id: RunId; tail?: number }): Promise<LogLine[]>;
  compareRuns(params: { ids: RunId[]; names?: string[]; maxPoints?: number }): Promise<Comparison>;
}

export type ApiMethod = keyof StudioApi;
export type ApiParams<M extends ApiMethod> = Parameters<StudioApi[M]>[0];
export type ApiResult<M extends ApiMethod> = Awaited<ReturnType<StudioApi[M]>>;

export const API_METHODS: readonly ApiMethod[] = [
  'systemInfo', 'bundledAssets', 'inspectModel', 'previewDataset', 'plan',
  'listRuns', 'getRun', 'createRun', 'startRun', 'stopRun', 'resumeRun', 'deleteRun', 'exportRun',
  'setTags', 'setNotes', 'getSeries', 'getSystemSamples', 'getLog', 'compareRuns',
] as const;

/** Errors crossing a process or network boundary. */
export interface WireError {
  name: string;
  message: string;
}

/** Wire messages (WebSocket and IPC use the same shapes). */
export type ClientMessage = { kind: 'call'; id: number; method: ApiMethod; params: unknown } | { kind: 'auth'; token: string };
export type ServerMessage =
  | { kind: 'result'; id: number; result: unknown }
  | { kind: 'error'; id: number; error: WireError }
  | { kind: 'events'; events: RunEvent[] }
  | { kind: 'hello'; authRequired: boolean; version: string };

/** Client side of the API plus the live event stream. */
export interface StudioClient extends StudioApi {
  onEvents(handler: (events: RunEvent[]) => void): () => void;
}

export class ApiError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

export function toWireError(err: unknown): WireError {
  if (err instanceof Error) return { name: err.name || 'Error', message: err.message };
  return { name: 'Error', message: String(err) };
}
