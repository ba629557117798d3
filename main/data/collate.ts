// Dynamic padding: a batch is padded to its own longest row, not to maxLength, so short batches cost
// less. The arrays have the shape of models/batch.ts's BatchArrays (toBatch makes the tensors).
import type { Task } from '../../common/runConfig.ts';
import type { EncodedExample } from './tokenize.ts';

/** Label value ignored by the loss (padding of seq2seq targets), as transformers. */
export const IGNORE_INDEX = -100;

export interface CollatedBatch {
  /** [B, L] right-padded with the pad id. */
  inputIds: number[][];
  /** [B, L] 1 for tokens, 0 for padding. */
  attentionMask: number[][];
  /** [B] class ids or targets, or [B, T] target ids padded with -100. */
  labels: number[] | number[][];
  labelsDtype: 'int32' | 'float32';
  /** Real (non-pad) input tokens in the batch, for throughput numbers. */
  numTokens: number;
}

export interface CollateOptions {
  task: Task;
  padTokenId: number | null;
  /** Round the padded length up to a multiple of this (e.g. 8 for GPU kernels). */
  padToMultipleOf?: number;
}

function padded(len: number, multiple?: number): number {
  return multiple && multiple > 1 ? Math.ceil(len / multiple) * multiple : len;
}

export function collate(rows: readonly EncodedExample[], opts: CollateOptions): CollatedBatch {
  if (!rows.length) throw new Error('cannot collate an empty batch');
  if (opts.padTokenId === null) throw new Error('the tokenizer has no pad token (pad_token in tokenizer_config.json); batches cannot be padded');
  const pad = opts.padTokenId;
  const len = padded(Math.max(1, ...rows.map((r) => r.inputIds.length)), opts.padToMultipleOf);
  const inputIds: number[][] = [];
  const attentionMask: number[][] = [];
  let numTokens = 0;
  for (const r of rows) {
    const n = r.inputIds.length;
    numTokens += n;
    inputIds.push(r.inputIds.concat(new Array<number>(len - n).fill(pad)));
    attentionMask.push(new Array<number>(n).fill(1).concat(new Array<number>(len - n).fill(0)));
  }
  if (opts.task === 'seq2seq') {
    const tlen = padded(Math.max(1, ...rows.map((r) => r.targetIds?.length ?? 0)), opts.padToMultipleOf);
    const labels = rows.map((r) => {
      const t = r.targetIds ?? [];
      return t.concat(new Array<number>(tlen - t.length).fill(IGNORE_INDEX));
    });
    return { inputIds, attentionMask, labels, labelsDtype: 'int32', numTokens };
  }
  const labels = rows.map((r, i) => {
    if (r.label === undefined) throw new Error(`row ${i} of the batch has no label`);
    return r.label;
  });
  return { inputIds, attentionMask, labels, labelsDtype: opts.task === 'regression' ? 'float32' : 'int32', numTokens };
}
