// LayerNorm (biased variance, as torch) and T5's RMS norm (no mean subtraction, no bias), with
// hand-written gradients that keep only the normalized input and the per-row 1/σ for the backward
// pass (autodiff of the composed ops keeps about eight activation-sized intermediates per norm).
import * as tf from '@tensorflow/tfjs-core';

/** Sum over every axis but the last, as [last]. */
function sumToLast(t: tf.Tensor): tf.Tensor {
  return tf.sum(tf.reshape(t, [-1, t.shape[t.shape.length - 1]]), 0);
}

export function layerNorm(x: tf.Tensor, weight: tf.Tensor, bias: tf.Tensor, eps: number): tf.Tensor {
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
