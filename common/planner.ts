// VRAM planner input and result (main/planner computes; CLI, server and UI show).
import type { OptimizerName } from './optimizers.ts';
import type { BackendChoice, Task } from './runConfig.ts';

export type Verdict = 'fits' | 'tight' | 'exceeds';

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
  batchSize: number;
  seqLength: number;
  targetLength?: number;
  backend?: BackendChoice;
  /** GPU capacity in bytes. */
  gpuBytes: number;
}

export interface PlanComponent {
  /** weights | gradients | optimizer-state | activations | workspace | framework */
  name: string;
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
  totalBytes: number;
  gpuBytes: number;
  verdict: Verdict;
  /** Largest batch size that fits at this sequence length (0 if none). */
  maxBatchSize: number;
  /** Largest sequence length that fits at this batch size (0 if none). */
  maxSeqLength: number;
  notes: string[];
}
