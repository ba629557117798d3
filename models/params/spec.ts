// What a model's parameters are, before any tensor exists: names (exactly Hugging Face's), shapes,
// the group they count in and how `transformers` initializes them.
export const PARAM_GROUPS = ['embeddings', 'encoder', 'decoder', 'head'] as const;
export type ParamGroup = (typeof PARAM_GROUPS)[number];

export type ParamInit =
  | { kind: 'normal'; std: number; zeroRow?: number }
  | { kind: 'xavierUniform'; zeroRow?: number }
  | { kind: 'zeros' }
  | { kind: 'ones' };

export interface ParamSpec {
  /** Hugging Face tensor name, e.g. `roberta.encoder.layer.0.attention.self.query.weight`. */
  name: string;
  shape: number[];
  group: ParamGroup;
  init: ParamInit;
  /** Part of the LM head (mT5 `lm_head.weight`, RoBERTa `lm_head.*`): frozen by `freeze({ lmHead: true })`. */
  lmHead?: boolean;
  /** Part of a task head that a base checkpoint does not have (classifier.*): may be freshly initialized. */
  taskHead?: boolean;
  /** The stable embedding's weight, which keeps 32-bit optimizer state. */
  stableEmbedding?: boolean;
}

export function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export interface ParameterCounts {
  total: number;
  trainable: number;
  byGroup: Record<ParamGroup, number>;
}

export function countParameters(specs: readonly ParamSpec[], isTrainable: (name: string) => boolean = () => true): ParameterCounts {
  const byGroup = Object.fromEntries(PARAM_GROUPS.map((g) => [g, 0])) as Record<ParamGroup, number>;
  let total = 0;
  let trainable = 0;
  for (const s of specs) {
    const n = numel(s.shape);
    total += n;
    byGroup[s.group] += n;
    if (isTrainable(s.name)) trainable += n;
  }
  return { total, trainable, byGroup };
}
