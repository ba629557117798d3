// VRAM planner input and result (main/planner computes; CLI, server and UI show).
import type { OptimizerName, StateBits } from './optimizers.ts';
import type { BackendChoice, Task } from './runConfig.ts';

/** fits: total ≤ 90 % of capacity; tight: 90–100 %; exceeds: more than the capacity. */
export type Verdict = 'fits' | 'tight' | 'exceeds';
export const VERDICTS: readonly Verdict[] = ['fits', 'tight', 'exceeds'];
/** Above this share of the capacity a plan is `tight` (headroom for the desktop and allocator slack). */
export const TIGHT_FRACTION = 0.9;

export interface PlanInput {
  /** A model folder with config.json, or a known name (roberta-base, roberta-large, mt5-small, mt5-base, mt5-large). */
  model: string;
  task?: Task;
  numLabels?: number;
  optimizer: OptimizerName;
  blockSize?: number;
  min8bitSize?: number;
  stableEmbedding?: boolean;
  freezeEmbeddings?: boolean;
  freezeLmHead?: boolean;
  /** Per-tensor state precision by exact Hugging Face tensor name (e.g. keep one matrix in 32 bits). */
  stateOverrides?: { tensor: string; stateBits: StateBits }[];
  batchSize: number;
  /** Input length in tokens (encoder length for mT5). */
  seqLength: number;
  /** mT5 target (decoder) length; default 64 (the run config's default maxTargetLength). */
  targetLength?: number;
  /** Gradient accumulation over micro-batches keeps one more copy of the gradients when > 1. */
  gradAccumSteps?: number;
  backend?: BackendChoice;
  /**
   * How the optimizer step runs: "in-place" (fused kernels of optim/ on cpu/wasm, like bitsandbytes'
   * CUDA kernels) or "composed" (stock tfjs ops, used on tensorflow/GPU backends); "auto" (default)
   * follows the backend.
   */
  optimizerKernel?: 'auto' | 'in-place' | 'composed';
  /** Training mode with the config's dropout rates (default true); false plans an eval-mode step. */
  dropout?: boolean;
  /** GPU capacity in bytes. */
  gpuBytes: number;
}

export type PlanComponentName = 'weights' | 'gradients' | 'optimizer-state' | 'activations' | 'workspace' | 'framework';
export const PLAN_COMPONENTS: readonly PlanComponentName[] = ['weights', 'gradients', 'optimizer-state', 'activations', 'workspace', 'framework'];

export interface PlanComponent {
  /** weights | gradients | optimizer-state | activations | workspace | framework */
  name: PlanComponentName;
  bytes: number;
  detail: string;
  /** Finer parts, e.g. activations by kind (attention scores, FFN, norms, …). */
  parts?: { name: string; bytes: number }[];
}

export interface PlanResult {
  input: PlanInput;
  modelType: 'roberta' | 'mt5';
  parameterCount: number;
  trainableParameterCount: number;
  components: PlanComponent[];
  /** Predicted peak: the sum of the components. */
  totalBytes: number;
  /** The same without the framework allowance: what TensorFlow.js itself holds in tensors at the peak. */
  tensorPeakBytes: number;
  gpuBytes: number;
  /** Backend the plan was made for ("auto" plans for tensorflow-gpu). */
  backend: Exclude<BackendChoice, 'auto'>;
  verdict: Verdict;
  /** Largest batch size that fits at this sequence length (0 if none). */
  maxBatchSize: number;
  /** Largest sequence length that fits at this batch size (0 if none). */
  maxSeqLength: number;
  notes: string[];
}
