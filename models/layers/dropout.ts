// Per-call run options: eval mode (the default, deterministic) or training with dropout.
import * as tf from '@tensorflow/tfjs-core';

export interface RunContext {
  /** Apply dropout as in train mode. Default false (eval mode: every dropout is the identity). */
  training?: boolean;
}

export function dropout(x: tf.Tensor, rate: number, ctx: RunContext): tf.Tensor {
  if (!ctx.training || rate <= 0) return x;
  return tf.dropout(x, rate);
}
