// Batch tensors from plain arrays (what a tokenizer or a dataset row gives).
import * as tf from '@tensorflow/tfjs-core';
import type { Batch } from './model.ts';

export interface BatchArrays {
  /** [B, L] ids, right-padded. */
  inputIds: number[][];
  attentionMask?: number[][];
  tokenTypeIds?: number[][];
  /** [B] (classification / regression) or [B, T] (masked LM, seq2seq; -100 = ignored) or [B, num_labels]. */
  labels?: number[] | number[][];
  /** int32 for class ids and token ids (default), float32 for regression / multi-label targets. */
  labelsDtype?: 'int32' | 'float32';
  decoderInputIds?: number[][];
  decoderAttentionMask?: number[][];
}

function matrix(rows: number[][], dtype: 'int32' | 'float32', what: string): tf.Tensor2D {
  const width = rows[0]?.length ?? 0;
  for (const [i, r] of rows.entries()) {
    if (r.length !== width) throw new Error(`${what}: row ${i} has ${r.length} entries, row 0 has ${width}; pad the rows to one length`);
  }
  return tf.tensor2d(rows.flat(), [rows.length, width], dtype);
}

export function toBatch(a: BatchArrays): Batch {
  if (a.inputIds.length === 0) throw new Error('empty batch');
  const batch: Batch = { inputIds: matrix(a.inputIds, 'int32', 'inputIds') };
  if (a.attentionMask) batch.attentionMask = matrix(a.attentionMask, 'int32', 'attentionMask');
  if (a.tokenTypeIds) batch.tokenTypeIds = matrix(a.tokenTypeIds, 'int32', 'tokenTypeIds');
  if (a.decoderInputIds) batch.decoderInputIds = matrix(a.decoderInputIds, 'int32', 'decoderInputIds');
  if (a.decoderAttentionMask) batch.decoderAttentionMask = matrix(a.decoderAttentionMask, 'int32', 'decoderAttentionMask');
  if (a.labels) {
    const dtype = a.labelsDtype ?? 'int32';
    const labels = a.labels;
    batch.labels = Array.isArray(labels[0]) ? matrix(labels as number[][], dtype, 'labels') : tf.tensor1d(labels as number[], dtype);
  }
  return batch;
}

export function disposeBatch(b: Batch): void {
  for (const t of [b.inputIds, b.attentionMask, b.tokenTypeIds, b.labels, b.decoderInputIds, b.decoderAttentionMask]) t?.dispose();
}
