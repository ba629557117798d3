// Datasets: read CSV/TSV/JSONL/Parquet, validate with line-numbered errors, preview, split, tokenize,
// pad and batch with a resumable seeded order.
export { loadDataset, type LoadOptions } from './loadDataset.ts';
export { previewDataset, type PreviewOptions } from './preview.ts';
export { readTable, formatOf } from './readTable.ts';
export { validateTable, isGenericLabels, type LabelSpace, type ValidateOptions, type Validated } from './validate.ts';
export { suggestMapping, inferTask } from './suggestMapping.ts';
export { resolveMapping } from './resolveMapping.ts';
export { splitExamples, limitExamples, type SplitResult } from './split.ts';
export { encodeExample, encodeExamples, type DataTokenizer, type EncodedExample, type EncodeOptions } from './tokenize.ts';
export { collate, IGNORE_INDEX, type CollatedBatch, type CollateOptions } from './collate.ts';
export { ShuffledBatches, sequentialBatches, type BatchOptions, type BatchPosition, type NextBatch } from './batches.ts';
export { Rng, type RngState } from './rng.ts';
export { fingerprintExamples } from './fingerprint.ts';
export { DatasetError, DATASET_ISSUE_CODES, formatIssue, type CodedIssue, type DatasetIssueCode } from './errors.ts';
export type { CellValue, Example, LoadedDataset, RawTable } from './types.ts';
