// Per-call run options: eval mode (the default, deterministic) or training with dropout.
import * as tf from '@tensorflow/tfjs-core';

export interface RunContext {
  /** Apply dropout as in train mode. Default false (eval mode: every dropout is the identity). */
  training?: boolean;
  /**
   * Seed of this forward pass's dropout masks. With a seed, the k-th dropout of the pass uses seed + k,
   * so a pass is reproducible (a resumed run draws the same masks); without one, masks are random.
   */
  seed?: number;
  /** Dropouts applied so far in this pass (advanced by `dropout`). */
  dropoutCalls?: number;
}

export function dropout(x: tf.Tensor, rate: number, ctx: RunContext): tf.Tensor {
  if (!ctx.training || rate <= 0) return x;
  if (ctx.seed === undefined) return tf.dropout(x, rate);
  const k = ctx.dropoutCalls ?? 0;
  ctx.dropoutCalls = k + 1;
  return tf.dropout(x, rate, undefined, ctx.seed + k);
}
