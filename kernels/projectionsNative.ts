// Linear projections of one input (common/fusedKernels.ts OctetProjections1/2/3: y_i = x·w_iᵀ (+ b_i) with
// Hugging Face's [out, in] weights) for `cpu` and `wasm`, by the native SGEMM: one kernel where the
// composed ops run a matMul, a bias Add and two reshapes per projection (the bias is added after the
// product, as the Add does), and a backward that adds dx = Σ dy_i·w_i into one buffer (gemm's accumulate)
// where the tape would run a matMul per projection and an Add per extra one. The weights' and biases'
// gradients are the composed ops' matMul (dy_iᵀ·x) and Sum, each its own kernel (no reshapes), so that a
// frozen weight costs nothing. Without the addon they are not registered and models/ composes linear().
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, NamedTensorMap, TensorInfo } from '@tensorflow/tfjs-core';
import { util } from '@tensorflow/tfjs-core';
import { FUSED_KERNELS, projectionsKernel } from '../common/fusedKernels.ts';
import type { TensorKernelsNative } from '../native/tensorKernels.ts';
import { assertFloat32, tensorIo } from './tensorIo.ts';

const COUNTS = [1, 2, 3] as const;
const kernelOf = (n: number) => projectionsKernel(n)!;
const names = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

/** [rows, in] of x and the weights' [out_i], checked with the biases. */
function shapes(kernel: string, x: TensorInfo, weights: TensorInfo[], biases: (TensorInfo | undefined)[]): { rows: number; inner: number; outs: number[] } {
  const inner = x.shape[x.shape.length - 1];
  weights.forEach((w, i) => {
    if (w.shape.length !== 2 || w.shape[1] !== inner) throw new Error(`${kernel}: weights must be [out, ${inner}] for x ${JSON.stringify(x.shape)}, got ${JSON.stringify(w.shape)}`);
    const b = biases[i];
    if (b && util.sizeFromShape(b.shape) !== w.shape[0]) throw new Error(`${kernel}: bias ${i} must have ${w.shape[0]} elements, got ${JSON.stringify(b.shape)}`);
  });
  if (biases.some((b) => b) && biases.some((b) => !b)) throw new Error(`${kernel}: give a bias for every weight or none`);
  return { rows: util.sizeFromShape(x.shape) / inner, inner, outs: weights.map((w) => w.shape[0]) };
}

const forward = (native: TensorKernelsNative, n: number): KernelFunc => ({ inputs, backend }) => {
  const named = inputs as Record<string, TensorInfo | undefined>;
  const x = named.x!;
  const weights = names('w', n).map((k) => named[k]!);
  const biases = names('b', n).map((k) => named[k]);
  assertFloat32(kernelOf(n), x, ...weights, ...biases);
  const { rows, inner, outs } = shapes(kernelOf(n), x, weights, biases);
  const io = tensorIo(backend);
  // Every output before any view (a wasm output may grow the heap and detach earlier views).
  const ys = outs.map((out) => io.make([...x.shape.slice(0, -1), out]));
  if (rows > 0) {
    const xv = io.f32(x)!;
    ys.forEach((y, i) => native.gemm({
      a: xv, b: io.f32(weights[i])!, c: io.f32(y)!, batch: 1, m: rows, n: outs[i], k: inner, transA: false, transB: true,
      strideA: 0, strideB: 0, bias: biases[i] ? io.f32(biases[i]!)! : null, relu: false, accumulate: false, threads: 0,
    }));
  }
  return ys;
};

const backward = (native: TensorKernelsNative): KernelFunc => ({ inputs, backend }) => {
  const named = inputs as Record<string, TensorInfo>;
  const n = Object.keys(named).filter((k) => /^w\d+$/.test(k)).length;
  const weights = names('w', n).map((k) => named[k]);
  const dys = names('dy', n).map((k) => named[k]);
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

// dyᵀ·x over every row: the product the composed matMul(dy, x, true, false) runs for a weight gradient.
const weightGrad = (native: TensorKernelsNative): KernelFunc => ({ inputs, backend }) => {
  const { dy, x } = inputs as { dy: TensorInfo; x: TensorInfo };
  assertFloat32(FUSED_KERNELS.projectionWeightGrad, dy, x);
  const out = dy.shape[dy.shape.length - 1];
  const inner = x.shape[x.shape.length - 1];
  const rows = util.sizeFromShape(x.shape) / inner;
  if (util.sizeFromShape(dy.shape) !== rows * out) throw new Error(`${FUSED_KERNELS.projectionWeightGrad}: dy ${JSON.stringify(dy.shape)} and x ${JSON.stringify(x.shape)} differ in rows`);
  const io = tensorIo(backend);
  const dw = io.make([out, inner]);
  native.gemm({
    a: io.f32(dy)!, b: io.f32(x)!, c: io.f32(dw)!, batch: 1, m: out, n: inner, k: rows, transA: true, transB: false,
    strideA: 0, strideB: 0, bias: null, relu: false, accumulate: false, threads: 0,
  });
  return dw;
};

// Σ over rows: the Sum the composed Add's gradient runs for a bias.
const biasGrad = (native: TensorKernelsNative): KernelFunc => ({ inputs, backend }) => {
  const { dy } = inputs as { dy: TensorInfo };
  assertFloat32(FUSED_KERNELS.projectionBiasGrad, dy);
  const out = dy.shape[dy.shape.length - 1];
  const io = tensorIo(backend);
  const db = io.make([out]);
  native.reduce('sum', io.f32(dy)!, io.f32(db)!, 1, util.sizeFromShape(dy.shape) / out, out);
  return db;
};

// The gradients (backend-independent, registered once; the kernels themselves only on cpu and wasm):
// dx by OctetProjectionsGrad, dw_i = dy_iᵀ·x and db_i = Σ_rows dy_i as the composed matMul and Add do.
for (const n of COUNTS) {
  if (tf.getGradient(kernelOf(n))) continue;
  tf.registerGradient({
    kernelName: kernelOf(n),
    inputsToSave: ['x', ...names('w', n)],
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const dys = Array.isArray(dy) ? dy : [dy];
      const [x, ...weights] = saved;
      const dxInputs: NamedTensorMap = {};
      weights.forEach((w, i) => ((dxInputs[`w${i}`] = w), (dxInputs[`dy${i}`] = dys[i])));
      return {
        x: () => tf.engine().runKernel(FUSED_KERNELS.projectionsGrad, dxInputs) as tf.Tensor,
        ...Object.fromEntries(weights.map((_, i) => [`w${i}`, () => tf.engine().runKernel(FUSED_KERNELS.projectionWeightGrad, { dy: dys[i], x }) as tf.Tensor])),
        ...Object.fromEntries(weights.map((_, i) => [`b${i}`, () => tf.engine().runKernel(FUSED_KERNELS.projectionBiasGrad, { dy: dys[i] }) as tf.Tensor])),
      };
    },
  });
}

export function projectionsNativeKernels(native: TensorKernelsNative, backendName: 'cpu' | 'wasm'): KernelConfig[] {
  return [
    ...COUNTS.map((n): KernelConfig => ({ kernelName: kernelOf(n), backendName, kernelFunc: forward(native, n) })),
    { kernelName: FUSED_KERNELS.projectionsGrad, backendName, kernelFunc: backward(native) },
    { kernelName: FUSED_KERNELS.projectionWeightGrad, backendName, kernelFunc: weightGrad(native) },
    { kernelName: FUSED_KERNELS.projectionBiasGrad, backendName, kernelFunc: biasGrad(native) },
  ];
}
