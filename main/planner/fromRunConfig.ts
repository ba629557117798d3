// Turns a run's configuration into the planner's input, so each run records its predicted peak next to
// the measured one (RunSummary.predictedPeakBytes / measuredPeakBytes).
import { totalmem } from 'node:os';
import type { PlanInput, PlanResult } from '../../common/planner.ts';
import type { BackendChoice, RunConfig } from '../../common/runConfig.ts';
import { parseByteSize } from './byteSize.ts';

export interface RunPlanContext {
  /** The model folder actually loaded (default: config.model). */
  modelDir?: string;
  /** Labels the dataset has (classification), when the trainer knows them. */
  numLabels?: number;
  /** The backend the trainer picked (selectBackend's choice); default: the config's. */
  backend?: BackendChoice;
  /** Memory of the detected GPU, used when the config sets no gpuMemory. */
  gpuBytes?: number | null;
}

/**
 * Capacity: the config's gpuMemory ("6GB"), else the detected GPU, else (no GPU: cpu/wasm/tensorflow
 * backends keep tensors in RAM) the machine's RAM.
 */
export function planInputFromRunConfig(config: RunConfig, ctx: RunPlanContext = {}): PlanInput {
  const gpuBytes = config.gpuMemory ? parseByteSize(config.gpuMemory) : (ctx.gpuBytes ?? totalmem());
  return {
    model: ctx.modelDir ?? config.model,
    task: config.task,
    numLabels: ctx.numLabels,
    optimizer: config.optimizer.name,
    blockSize: config.optimizer.blockSize,
    min8bitSize: config.optimizer.min8bitSize,
    stableEmbedding: config.modelOptions.stableEmbedding,
    freezeEmbeddings: config.modelOptions.freezeEmbeddings,
    freezeLmHead: config.modelOptions.freezeLmHead,
    batchSize: config.training.batchSize,
    seqLength: config.training.maxLength,
    targetLength: config.training.maxTargetLength,
    gradAccumSteps: config.training.gradAccumSteps,
    ...(config.modelOptions.dropout === 0 ? { dropout: false } : {}),
    backend: ctx.backend ?? config.backend,
    gpuBytes,
  };
}

/**
 * The prediction to store beside a measured peak of the given kind: GPU memory used by the run
 * (SystemMonitor.measuredPeakBytes kind "gpu") compares with the total, CUDA context included;
 * tensor bytes (kind "tensors", CPU backends) with the tensor part alone.
 */
export function predictedPeakFor(plan: PlanResult, kind: 'gpu' | 'tensors'): number {
  return kind === 'gpu' ? plan.totalBytes : plan.tensorPeakBytes;
}
