// BatchMatMul and _FusedMatMul (bias, linear/ReLU) for `cpu` and `wasm` computed by the native SGEMM
// (native/src/kernels/gemm.cc): multi-threaded, transpose flags read in place by its packing (no
// transposed copies, nothing cached per weight), batched products (attention) item-parallel. Shapes it
// does not take (int32, batch dims that broadcast both ways, other activations, a bias that is not
// one row) go to the stock kernel.
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { BatchMatMul, _FusedMatMul, backend_util, util } from '@tensorflow/tfjs-core';
import type { TensorKernelsNative } from '../native/tensorKernels.ts';
import { tensorIo } from './tensorIo.ts';

export interface MatMulGeometry {
  batch: number;
  m: number;
  n: number;
  k: number;
  strideA: number;
  strideB: number;
  outShape: number[];
}

/** Sizes of op(A)·op(B) with batch dims that are equal or 1 on one side; null when not supported. */
export function matMulGeometry(aShape: number[], bShape: number[], transposeA: boolean, transposeB: boolean): MatMulGeometry | null {
  if (aShape.length < 2 || bShape.length < 2) return null;
  const m = transposeA ? aShape[aShape.length - 1] : aShape[aShape.length - 2];
  const k = transposeA ? aShape[aShape.length - 2] : aShape[aShape.length - 1];
  const kb = transposeB ? bShape[bShape.length - 1] : bShape[bShape.length - 2];
  const n = transposeB ? bShape[bShape.length - 2] : bShape[bShape.length - 1];
  if (k !== kb) return null;
  const outerA = aShape.slice(0, -2);
  const outerB = bShape.slice(0, -2);
  let outer: number[];
  try {
    outer = backend_util.assertAndGetBroadcastShape(outerA, outerB);
  } catch {
    return null;
  }
  const batchA = util.sizeFromShape(outerA);
  const batchB = util.sizeFromShape(outerB);
  const batchOut = util.sizeFromShape(outer);
  // Each operand is one matrix for every item, or one matrix per item (no partial broadcasting).
  if ((batchA !== 1 && batchA !== batchOut) || (batchB !== 1 && batchB !== batchOut)) return null;
  return { batch: batchOut, m, n, k, strideA: batchA === 1 ? 0 : m * k, strideB: batchB === 1 ? 0 : k * n, outShape: [...outer, m, n] };
}

interface MatMulAttrs {
  transposeA: boolean;
  transposeB: boolean;
  activation?: string;
}

function run(native: TensorKernelsNative, backend: unknown, a: TensorInfo, b: TensorInfo, attrs: MatMulAttrs, bias: TensorInfo | undefined): TensorInfo | null {
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return null;
  const g = matMulGeometry(a.shape, b.shape, attrs.transposeA, attrs.transposeB);
  if (!g) return null;
  const relu = attrs.activation === 'relu';
  if (attrs.activation !== undefined && attrs.activation !== 'linear' && !relu) return null;
  if (bias && (bias.dtype !== 'float32' || util.sizeFromShape(bias.shape) !== g.n || bias.shape[bias.shape.length - 1] !== g.n)) return null;
  const io = tensorIo(backend);
  const out = io.make(g.outShape);
  const av = io.f32(a);
  const bv = io.f32(b);
  const cv = io.f32(out);
  const biasView = bias ? io.f32(bias) : null;
  if (!av || !bv || !cv || (bias && !biasView)) {
    io.dispose(out);
    return null;
  }
  if (cv.length > 0) native.gemm({ a: av, b: bv, c: cv, ...g, transA: attrs.transposeA, transB: attrs.transposeB, bias: biasView, relu, accumulate: false, threads: 0 });
  return out;
}

export function batchMatMulNative(native: TensorKernelsNative, stock: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    return run(native, args.backend, a, b, args.attrs as unknown as MatMulAttrs, undefined) ?? stock.kernelFunc(args);
  };
  return { kernelName: BatchMatMul, backendName: stock.backendName, kernelFunc };
}

export function fusedMatMulNative(native: TensorKernelsNative, stock: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const { a, b, bias, preluActivationWeights } = args.inputs as { a: TensorInfo; b: TensorInfo; bias?: TensorInfo; preluActivationWeights?: TensorInfo };
    if (preluActivationWeights) return stock.kernelFunc(args);
    return run(native, args.backend, a, b, args.attrs as unknown as MatMulAttrs, bias) ?? stock.kernelFunc(args);
  };
  return { kernelName: _FusedMatMul, backendName: stock.backendName, kernelFunc };
}
