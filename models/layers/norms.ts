// LayerNorm (biased variance, as torch) and T5's RMS norm (no mean subtraction, no bias), with
// hand-written gradients that keep only the normalized input and the per-row 1/σ for the backward
// pass (autodiff of the composed ops keeps about eight activation-sized intermediates per norm). Where
// the backend registers the fused norm kernels (kernels/ on cpu and wasm) each direction is one pass
// that computes the same formula and keeps the same tensors.
import * as tf from '@tensorflow/tfjs-core';
import { FUSED_KERNELS, type NormAttrs } from '../../common/fusedKernels.ts';
import { hasFusedKernel, runFused } from './fused.ts';

/** Sum over every axis but the last, as [last]. */
function sumToLast(t: tf.Tensor): tf.Tensor {
  return tf.sum(tf.reshape(t, [-1, t.shape[t.shape.length - 1]]), 0);
}

function canFuse(...ts: tf.Tensor[]): boolean {
  return ts.every((t) => t.dtype === 'float32') && hasFusedKernel(FUSED_KERNELS.norm) && hasFusedKernel(FUSED_KERNELS.normGrad);
}

/** LayerNorm (bias) or RMS norm (no bias) as the fused kernels: forward gives y, x̂ and 1/σ; backward dx, dw (, db). */
function fusedNorm(x: tf.Tensor, weight: tf.Tensor, bias: tf.Tensor | null, eps: number): tf.Tensor {
  const attrs: NormAttrs = { eps, rms: bias === null };
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const [input, w, b] = args as tf.Tensor[];
    const [value, xhat, rstd] = runFused(FUSED_KERNELS.norm, bias ? { x: input, weight: w, bias: b } : { x: input, weight: w }, attrs);
    save([xhat, rstd, w]);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => runFused(FUSED_KERNELS.normGrad, { dy, xhat: saved[0], rstd: saved[1], weight: saved[2] }, attrs);
    return { value, gradFunc };
  });
  return bias ? f(x, weight, bias) : f(x, weight);
}

export function layerNorm(x: tf.Tensor, weight: tf.Tensor, bias: tf.Tensor, eps: number): tf.Tensor {
  if (canFuse(x, weight, bias)) return fusedNorm(x, weight, bias, eps);
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, w, b, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const { xhat, rstd } = tf.tidy(() => {
      const centered = tf.sub(input, tf.mean(input, -1, true));
      const r = tf.rsqrt(tf.add(tf.mean(tf.square(centered), -1, true), eps));
      return { xhat: tf.mul(centered, r), rstd: r };
    });
    save([xhat, rstd, w]);
    const value = tf.tidy(() => tf.add(tf.mul(xhat, w), b));
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xh, r, wt] = saved;
      return tf.tidy(() => {
        const g = tf.mul(dy, wt);
        // dx = (g − mean(g) − x̂·mean(g·x̂)) / σ
        const dx = tf.mul(tf.sub(tf.sub(g, tf.mean(g, -1, true)), tf.mul(xh, tf.mean(tf.mul(g, xh), -1, true))), r);
        return [dx, sumToLast(tf.mul(dy, xh)), sumToLast(dy)];
      });
    };
    return { value, gradFunc };
  });
  return f(x, weight, bias);
}

/** T5LayerNorm: w · x / sqrt(mean(x²) + eps). */
export function rmsNorm(x: tf.Tensor, weight: tf.Tensor, eps: number): tf.Tensor {
  if (canFuse(x, weight)) return fusedNorm(x, weight, null, eps);
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, w, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const { xhat, rstd } = tf.tidy(() => {
      const r = tf.rsqrt(tf.add(tf.mean(tf.square(input), -1, true), eps));
      return { xhat: tf.mul(input, r), rstd: r };
    });
    save([xhat, rstd, w]);
    const value = tf.mul(w, xhat);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xh, r, wt] = saved;
      return tf.tidy(() => {
        const g = tf.mul(dy, wt);
        // dx = (g − x̂·mean(g·x̂)) / rms
        const dx = tf.mul(tf.sub(g, tf.mul(xh, tf.mean(tf.mul(g, xh), -1, true))), r);
        return [dx, sumToLast(tf.mul(dy, xh))];
      });
    };
    return { value, gradFunc };
  });
  return f(x, weight);
}
