// Several linear projections of one input (common/fusedKernels.ts OctetProjections2/3: y_i = x·w_iᵀ with
// Hugging Face's [out, in] weights) for `cpu` and `wasm`, by the native SGEMM: one kernel where the
// composed ops run a matMul and two reshapes per projection, and a backward that adds dx = Σ dy_i·w_i
// into one buffer (gemm's accumulate) where the tape would run a matMul per projection and an Add per
// extra one. The weights' gradients stay plain matMuls (dy_iᵀ·x), as in the composed ops, so that a
// frozen weight costs nothing. Without the addon they are not registered and models/ composes linear().
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, NamedTensorMap, TensorInfo } from '@tensorflow/tfjs-core';
import { util } from '@tensorflow/tfjs-core';
import { FUSED_KERNELS } from '../common/fusedKernels.ts';
import type { TensorKernelsNative } from '../native/tensorKernels.ts';
import { assertFloat32, tensorIo } from './tensorIo.ts';

const COUNTS = [2, 3] as const;
const kernelOf = (n: number) => (n === 2 ? FUSED_KERNELS.projections2 : FUSED_KERNELS.projections3);
const weightNames = (n: number) => Array.from({ length: n }, (_, i) => `w${i}`);

/** [rows, in] of x and the weights' [out_i], checked. */
function shapes(kernel: string, x: TensorInfo, weights: TensorInfo[]): { rows: number; inner: number; outs: number[] } {
  const inner = x.shape[x.shape.length - 1];
  for (const w of weights) {
    if (w.shape.length !== 2 || w.shape[1] !== inner) throw new Error(`${kernel}: weights must be [out, ${inner}] for x ${JSON.stringify(x.shape)}, got ${JSON.stringify(w.shape)}`);
  }
  return { rows: util.sizeFromShape(x.shape) / inner, inner, outs: weights.map((w) => w.shape[0]) };
}

const forward = (native: TensorKernelsNative, n: number): KernelFunc => ({ inputs, backend }) => {
  const { x } = inputs as { x: TensorInfo };
  const weights = weightNames(n).map((name) => (inputs as Record<string, TensorInfo>)[name]);
  assertFloat32(kernelOf(n), x, ...weights);
  const { rows, inner, outs } = shapes(kernelOf(n), x, weights);
  const io = tensorIo(backend);
  // Every output before any view (a wasm output may grow the heap and detach earlier views).
  const ys = outs.map((out) => io.make([...x.shape.slice(0, -1), out]));
  if (rows > 0) {
    const xv = io.f32(x)!;
    ys.forEach((y, i) => native.gemm({
      a: xv, b: io.f32(weights[i])!, c: io.f32(y)!, batch: 1, m: rows, n: outs[i], k: inner, transA: false, transB: true,
      strideA: 0, strideB: 0, bias: null, relu: false, accumulate: false, threads: 0,
    }));
  }
  return ys;
};

const backward = (native: TensorKernelsNative): KernelFunc => ({ inputs, backend }) => {
  const named = inputs as Record<string, TensorInfo>;
  const n = Object.keys(named).filter((k) => /^w\d+$/.test(k)).length;
  const weights = weightNames(n).map((name) => named[name]);
  const dys = weights.map((_, i) => named[`dy${i}`]);
  assertFloat32(FUSED_KERNELS.projectionsGrad, ...weights, ...dys);
  const inner = weights[0].shape[1];
  const rows = util.sizeFromShape(dys[0].shape) / weights[0].shape[0];
  const io = tensorIo(backend);
  const dx = io.make([...dys[0].shape.slice(0, -1), inner]);
  const dxv = io.f32(dx)!;
  if (rows === 0) return dx;
  // Last projection first: the order in which the tape would add the matMuls' gradients.
  for (let i = n - 1; i >= 0; i--) {
    native.gemm({
      a: io.f32(dys[i])!, b: io.f32(weights[i])!, c: dxv, batch: 1, m: rows, n: inner, k: weights[i].shape[0], transA: false, transB: false,
      strideA: 0, strideB: 0, bias: null, relu: false, accumulate: i !== n - 1, threads: 0,
    });
  }
  return dx;
};

/** dy_iᵀ·x over every row of x: the weight gradient of projection i, as the composed matMul computes it. */
function weightGrad(dy: tf.Tensor, x: tf.Tensor): tf.Tensor {
  const inner = x.shape[x.shape.length - 1];
  return tf.matMul(tf.reshape(dy, [-1, dy.shape[dy.shape.length - 1]]), tf.reshape(x, [-1, inner]), true, false);
}

// The gradients (backend-independent, registered once; the kernels themselves only on cpu and wasm).
for (const n of COUNTS) {
  if (tf.getGradient(kernelOf(n))) continue;
  tf.registerGradient({
    kernelName: kernelOf(n),
    inputsToSave: ['x', ...weightNames(n)],
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const dys = Array.isArray(dy) ? dy : [dy];
      const [x, ...weights] = saved;
      const grads: NamedTensorMap = {};
      weights.forEach((w, i) => ((grads[`w${i}`] = w), (grads[`dy${i}`] = dys[i])));
      return {
        x: () => tf.engine().runKernel(FUSED_KERNELS.projectionsGrad, grads) as tf.Tensor,
        ...Object.fromEntries(weights.map((_, i) => [`w${i}`, () => weightGrad(dys[i], x)])),
      };
    },
  });
}

export function projectionsNativeKernels(native: TensorKernelsNative, backendName: 'cpu' | 'wasm'): KernelConfig[] {
  return [
    ...COUNTS.map((n): KernelConfig => ({ kernelName: kernelOf(n), backendName, kernelFunc: forward(native, n) })),
    { kernelName: FUSED_KERNELS.projectionsGrad, backendName, kernelFunc: backward(native) },
  ];
}
