// What the UI and the planner need to know about a model folder, as plain data.
import type { Task } from './runConfig.ts';

export interface ParameterGroupCount {
  /** e.g. "embeddings", "encoder", "decoder", "lm_head", "classifier". */
  group: string;
  count: number;
}

export interface ModelInfo {
  path: string;
  modelType: 'roberta' | 'mt5';
  architecture: string; // e.g. "RobertaForSequenceClassification"
  task: Task;
  numLabels: number | null;
  labels: string[] | null; // id2label in id order
  vocabSize: number;
  hiddenSize: number;
  numLayers: number; // encoder layers (+ decoder layers for mT5 in numDecoderLayers)
  numDecoderLayers: number | null;
  parameterCount: number;
  parameterGroups: ParameterGroupCount[];
  weightBytes: number;
  hasTokenizer: boolean;
  /** Longest input in tokens, specials included (RoBERTa: positions − padding_idx − 1); null when unbounded (mT5). */
  maxInputLength: number | null;
}
