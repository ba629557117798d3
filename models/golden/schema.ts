// golden.json of a fixture folder (testdata/models/README.md describes every field).
import { z } from 'zod';

const int = z.number().int();
const nested = z.array(z.unknown());

export const storedTensorSchema = z.object({
  shape: z.array(int),
  values: nested,
});
export type StoredTensor = z.infer<typeof storedTensorSchema>;

const tokenizerSample = z.object({
  text: z.string(),
  ids: z.array(int),
  tokens: z.array(z.string()).optional(),
  decoded: z.string().optional(),
});

export const goldenSchema = z.object({
  fixture: z.string().optional(),
  model_type: z.enum(['roberta', 'mt5']),
  architecture: z.string(),
  inputs: z.object({
    texts: z.array(z.string()).optional(),
    input_ids: z.array(z.array(int)),
    attention_mask: z.array(z.array(int)).optional(),
    labels: z.union([z.array(z.number()), z.array(z.array(z.number()))]),
    target_texts: z.array(z.string()).optional(),
  }),
  derived: z
    .object({
      position_ids: z.array(z.array(int)).optional(),
      token_type_ids: z.array(z.array(int)).optional(),
      problem_type: z.string().nullish(),
      decoder_input_ids: z.array(z.array(int)).optional(),
      decoder_attention_mask: z.array(z.array(int)).nullish(),
      encoder_relative_position_buckets: z.array(z.array(int)).optional(),
      decoder_relative_position_buckets: z.array(z.array(int)).optional(),
    })
    .optional(),
  logits: storedTensorSchema,
  intermediates: z.record(z.string(), storedTensorSchema).optional(),
  loss: z.object({ float64: z.number(), float32: z.number().optional() }),
  gradients: z
    .object({
      entries: z.array(
        z.object({
          tensor: z.string(),
          index: z.array(int),
          flat_index: int.optional(),
          grad: z.number(),
        }),
      ),
    })
    .optional(),
  greedy: z
    .object({
      max_new_tokens: int,
      decoder_start_token_id: int,
      eos_token_id: int,
      results: z.array(z.object({ sequence: z.array(int), new_tokens: z.array(int).optional(), stopped_on_eos: z.boolean().optional() })),
    })
    .nullish(),
  tokenizer: z
    .object({
      samples: z.array(tokenizerSample).optional(),
      batch_texts: z.array(tokenizerSample).optional(),
      target_texts: z.array(tokenizerSample).optional(),
    })
    .nullish(),
  weights: z
    .object({
      file: z.string().optional(),
      sha256: z.string().optional(),
      tensors_used_by_model: z.array(z.string()).optional(),
      tensors_on_disk_not_used: z.array(z.string()).optional(),
    })
    .nullish(),
});
export type Golden = z.infer<typeof goldenSchema>;

/** Flattens a nested row-major list, checking it against `shape`. */
export function flatValues(t: StoredTensor, what: string): Float64Array {
  const out: number[] = [];
  const walk = (v: unknown, depth: number) => {
    if (depth === t.shape.length) {
      if (typeof v !== 'number') throw new Error(`${what}: expected a number at depth ${depth}`);
      out.push(v);
      return;
    }
    if (!Array.isArray(v) || v.length !== t.shape[depth]) throw new Error(`${what}: values do not match shape [${t.shape.join(', ')}]`);
    for (const x of v) walk(x, depth + 1);
  };
  walk(t.values, 0);
  return Float64Array.from(out);
}
