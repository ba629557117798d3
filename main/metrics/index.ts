// Evaluation metrics for the trainer: classification, regression and sequence-to-sequence.
export { accuracy, confusionMatrix, macroF1, mcc } from './classification.ts';
export { averageRanks, pearson, spearman } from './correlation.ts';
export { bleuFromCounts, corpusBleu, type BleuOptions, type BleuResult } from './bleu.ts';
export { lcsLength, rougeL, rougeLPair, rougeTokens, type RougeLScore } from './rougeL.ts';
export { tokenize13a } from './tokenize13a.ts';
export { allowedMetrics, computeMetrics, higherIsBetter, metricForTask, TASK_METRICS, type EvalOutputs, type MetricChoice } from './taskMetrics.ts';
