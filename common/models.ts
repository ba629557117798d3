// Plain data about a model that the trainer, the UI and the CLI show (built by models/).

export type ModelTask = 'sequence-classification' | 'regression' | 'multi-label-classification' | 'masked-lm' | 'seq2seq';
export type ModelParamGroup = 'embeddings' | 'encoder' | 'decoder' | 'head';

export interface ModelParameterCounts {
  total: number;
  trainable: number;
  byGroup: Record<ModelParamGroup, number>;
}

export interface ModelInfo {
  modelType: 'roberta' | 'mt5';
  /** transformers class name, e.g. RobertaForSequenceClassification, MT5ForConditionalGeneration. */
  architecture: string;
  task: ModelTask;
  parameters: ModelParameterCounts;
  /** Classification/regression heads only; null otherwise. */
  numLabels: number | null;
  vocabSize: number;
  stableEmbedding: boolean;
  frozen: { embeddings: boolean; lmHead: boolean };
}
