// Activations by transformers' ACT2FN name. "gelu" is the exact erf form (torch.nn.functional.gelu);
// "gelu_new" / "gelu_pytorch_tanh" / "gelu_fast" are the tanh approximation (0.044715, sqrt(2/pi)).
// Both GELUs have hand-written gradients that keep only their input for the backward pass (autodiff
// of the composed ops would keep five intermediates of the FFN's widest activation per layer). Where the
// backend registers the fused GELU kernels (kernels/ on cpu and wasm) each direction is one pass.
import * as tf from '@tensorflow/tfjs-core';
import { FUSED_KERNELS, type GeluAttrs } from '../../common/fusedKernels.ts';
import type { ActivationName } from '../config/activations.ts';
import { hasFusedKernel, runFused } from './fused.ts';

const SQRT_HALF = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const GELU_TANH_K = 0.044715;

type Unary = (x: tf.Tensor) => tf.Tensor;

function withGrad(forward: Unary, derivative: Unary): Unary {
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
    save([x]);
    return { value: forward(x), gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, derivative(saved[0])) };
  });
  return (x) => f(x);
}

/** The same GELU as one fused kernel each way (backends that register FUSED_KERNELS.gelu). */
function fusedGelu(approximate: GeluAttrs['approximate']): Unary {
  const attrs: GeluAttrs = { approximate };
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
    save([x]);
    const [value] = runFused(FUSED_KERNELS.gelu, { x }, attrs);
    return { value, gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => runFused(FUSED_KERNELS.geluGrad, { dy, x: saved[0] }, attrs)[0] };
  });
  return (x) => f(x);
}

const fusedGeluErf = fusedGelu('erf');
const fusedGeluTanh = fusedGelu('tanh');

/** 0.5·x·(1 + erf(x/√2)); derivative Φ(x) + x·φ(x). */
export const geluErfComposed = withGrad(
  (x) => tf.tidy(() => tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, SQRT_HALF)), 1))),
  (x) => tf.tidy(() => tf.add(tf.mul(tf.add(tf.erf(tf.mul(x, SQRT_HALF)), 1), 0.5), tf.mul(x, tf.mul(tf.exp(tf.mul(tf.square(x), -0.5)), INV_SQRT_2PI)))),
);

/** 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
export const geluTanhComposed = withGrad(
  (x) => tf.tidy(() => tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), GELU_TANH_K)), SQRT_2_OVER_PI)), 1))),
  (x) => tf.tidy(() => {
    const t = tf.tanh(tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), GELU_TANH_K)), SQRT_2_OVER_PI));
    const du = tf.mul(tf.add(tf.mul(tf.square(x), 3 * GELU_TANH_K), 1), SQRT_2_OVER_PI);
    // 0.5·(1 + t) + 0.5·x·(1 − t²)·du
    return tf.add(tf.mul(tf.add(t, 1), 0.5), tf.mul(tf.mul(tf.mul(x, 0.5), tf.sub(1, tf.square(t))), du));
  }),
);

const fusedOr = (fused: Unary, composed: Unary): Unary => (x) =>
  x.dtype === 'float32' && hasFusedKernel(FUSED_KERNELS.gelu) && hasFusedKernel(FUSED_KERNELS.geluGrad) ? fused(x) : composed(x);

export const geluErf = fusedOr(fusedGeluErf, geluErfComposed);
export const geluTanh = fusedOr(fusedGeluTanh, geluTanhComposed);

/** The GELU form of an activation name, or null. */
function geluForm(name: ActivationName): GeluAttrs['approximate'] | null {
  if (name === 'gelu') return 'erf';
  return name === 'gelu_new' || name === 'gelu_fast' || name === 'gelu_pytorch_tanh' ? 'tanh' : null;
}

/** gelu(gate)·up as one kernel each way; keeps gate and up (not gelu(gate)) for the backward pass. */
function fusedGatedGelu(gate: tf.Tensor, up: tf.Tensor, approximate: GeluAttrs['approximate']): tf.Tensor {
  const attrs: GeluAttrs = { approximate };
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [g, u, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    save([g, u]);
    const [value] = runFused(FUSED_KERNELS.gatedGelu, { gate: g, up: u }, attrs);
    return { value, gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => runFused(FUSED_KERNELS.gatedGeluGrad, { dy, gate: saved[0], up: saved[1] }, attrs) };
  })(gate, up);
}

/** act(gate)·up: T5's gated feed-forward (one fused kernel each way for the GELUs where the backend has it). */
export function gatedActivation(name: ActivationName, gate: tf.Tensor, up: tf.Tensor): tf.Tensor {
  const form = geluForm(name);
  if (form && gate.dtype === 'float32' && hasFusedKernel(FUSED_KERNELS.gatedGelu) && hasFusedKernel(FUSED_KERNELS.gatedGeluGrad)) return fusedGatedGelu(gate, up, form);
  return tf.tidy(() => tf.mul(activation(name, gate), up));
}

export function activation(name: ActivationName, x: tf.Tensor): tf.Tensor {
  switch (name) {
    case 'gelu':
      return geluErf(x);
    case 'gelu_new':
    case 'gelu_fast':
    case 'gelu_pytorch_tanh':
      return geluTanh(x);
    case 'relu':
      return tf.relu(x);
    case 'silu':
    case 'swish':
      return tf.tidy(() => tf.mul(x, tf.sigmoid(x)));
    case 'tanh':
      return tf.tanh(x);
  }
}
