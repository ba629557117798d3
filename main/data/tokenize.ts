// Examples → token ids, through the small tokenizer interface below. models/tokenizer.ts's
// HfTokenizer satisfies it as is: encodeIds adds the model's special tokens and truncates to
// maxLength (pairs: the longer segment first, special tokens kept).
import type { Task } from '../../common/runConfig.ts';
import type { Example } from './types.ts';

export interface DataTokenizer {
  /** Ids with special tokens, at most maxLength of them (longest segment truncated first). */
  encodeIds(text: string, pair: string | null | undefined, maxLength?: number): number[];
  /** The id that pads input rows; null when the tokenizer has none (an error for batching). */
  readonly padTokenId: number | null;
}

/** One example, tokenized: input ids, and the class id / target value or the target ids. */
export interface EncodedExample {
  inputIds: number[];
  /** Classification: class id; regression: target value. */
  label?: number;
  /** Seq2seq: target ids (with the end-of-sequence token). */
  targetIds?: number[];
}

export interface EncodeOptions {
  task: Task;
  maxLength: number;
  maxTargetLength?: number;
}

export function encodeExample(tok: DataTokenizer, ex: Example, opts: EncodeOptions): EncodedExample {
  const out: EncodedExample = { inputIds: tok.encodeIds(ex.text, ex.textPair, opts.maxLength) };
  if (opts.task === 'seq2seq') out.targetIds = tok.encodeIds(ex.target ?? '', null, opts.maxTargetLength ?? opts.maxLength);
  else out.label = ex.label;
  return out;
}

export function encodeExamples(tok: DataTokenizer, examples: readonly Example[], opts: EncodeOptions): EncodedExample[] {
  return examples.map((ex) => encodeExample(tok, ex, opts));
}
