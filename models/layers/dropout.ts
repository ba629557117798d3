// Per-call run options: eval mode (the default, deterministic) or training with dropout.
import * as tf from '@tensorflow/tfjs-core';
import { FUSED_KERNELS, type DropoutAttrs } from '../../common/fusedKernels.ts';
import { hasFusedKernel, runFused } from './fused.ts';

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
  const seed = takeDropoutSeed(ctx);
  if (x.dtype === 'float32' && hasFusedKernel(FUSED_KERNELS.dropout)) return fusedDropout(x, { rate, seed });
  return tf.dropout(x, rate, undefined, seed);
}

/**
 * x + dropout(r, rate, ctx): a residual connection. One kernel where the backend has it (the same draws
 * and float operations; keeps only the kept bits: dx = dy, dr = dy · multiplier), else the two ops.
 */
export function residualDropout(x: tf.Tensor, r: tf.Tensor, rate: number, ctx: RunContext): tf.Tensor {
  if (!seededDropout(rate, ctx) || r.dtype !== 'float32' || !hasFusedKernel(FUSED_KERNELS.dropoutAdd)) return tf.add(x, dropout(r, rate, ctx));
  const attrs: DropoutAttrs = { rate, seed: takeDropoutSeed(ctx) };
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, residual, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const [value, kept] = runFused(FUSED_KERNELS.dropoutAdd, { x: input, r: residual }, attrs);
    save([kept]);
    return { value, gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [dy, runFused(FUSED_KERNELS.dropoutGrad, { dy, kept: saved[0] }, attrs)[0]] };
  });
  return f(x, r);
}

/** Whether dropout(x, rate, ctx) would draw a seeded mask (a kernel that fuses a dropout can do the same). */
export function seededDropout(rate: number, ctx: RunContext): boolean {
  return ctx.training === true && rate > 0 && ctx.seed !== undefined;
}

/** The seed of the next seeded dropout of this pass, counting the call (for kernels that fuse one). */
export function takeDropoutSeed(ctx: RunContext): number {
  if (ctx.seed === undefined) throw new Error('takeDropoutSeed: this pass has no dropout seed');
  const k = ctx.dropoutCalls ?? 0;
  ctx.dropoutCalls = k + 1;
  return ctx.seed + k;
}

/**
 * tf.dropout(x, rate, undefined, seed) as one kernel: the same random stream and float operations, so
 * the same masks; keeps only which multipliers are not 0 for the backward pass (dx = dy · multiplier)
 * instead of the composed op's random draws, their floor and the multiplier.
 */
function fusedDropout(x: tf.Tensor, attrs: DropoutAttrs): tf.Tensor {
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, save] = args as [tf.Tensor, tf.GradSaveFunc];
    const [value, kept] = runFused(FUSED_KERNELS.dropout, { x: input }, attrs);
    save([kept]);
    return { value, gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => runFused(FUSED_KERNELS.dropoutGrad, { dy, kept: saved[0] }, attrs)[0] };
  });
  return f(x);
}
