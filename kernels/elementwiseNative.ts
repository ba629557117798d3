// Elementwise, reduction, softmax and transpose kernels for `cpu` and `wasm` computed natively
// (native/src/kernels/{elementwise,reduce,transpose}.cc): multi-threaded, vectorized, broadcasting
// without index arithmetic per element. The cpu backend's JS versions of these are the bulk of a
// training step's time once the matrix products are fast; wasm's are single-threaded, and its Sum over
// a leading axis transposes first. Anything but float32 (and shapes they do not take) goes to the stock kernel.
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import {
  Abs, Add, Erf, Exp, Floor, Log, Max, Maximum, Mean, Min, Minimum, Multiply, Neg, RealDiv, Reciprocal, Relu, Rsqrt, Sigmoid, Softmax, Sqrt,
  Square, SquaredDifference, Sub, Sum, Tanh, Transpose, util,
} from '@tensorflow/tfjs-core';
import type { BinaryOpName, ReduceOpName, TensorKernelsNative, UnaryOpName } from '../native/tensorKernels.ts';
import { binaryGeometry, reduceGeometry, transposeGeometry } from './geometry.ts';
import { tensorIo } from './tensorIo.ts';

type Run = (native: TensorKernelsNative, args: Parameters<KernelFunc>[0]) => TensorInfo | null;

export const BINARY_KERNELS: Record<string, BinaryOpName> = {
  [Add]: 'add', [Sub]: 'sub', [Multiply]: 'mul', [RealDiv]: 'div', [Maximum]: 'maximum', [Minimum]: 'minimum', [SquaredDifference]: 'squaredDifference',
};
export const UNARY_KERNELS: Record<string, UnaryOpName> = {
  [Exp]: 'exp', [Erf]: 'erf', [Tanh]: 'tanh', [Sigmoid]: 'sigmoid', [Rsqrt]: 'rsqrt', [Sqrt]: 'sqrt', [Square]: 'square', [Floor]: 'floor',
  [Neg]: 'neg', [Abs]: 'abs', [Log]: 'log', [Relu]: 'relu', [Reciprocal]: 'reciprocal',
};
export const REDUCE_KERNELS: Record<string, ReduceOpName> = { [Sum]: 'sum', [Mean]: 'mean', [Max]: 'max', [Min]: 'min' };

const binary = (op: BinaryOpName): Run => (native, { inputs, backend }) => {
  const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return null;
  const g = binaryGeometry(a.shape, b.shape);
  if (!g) return null;
  const io = tensorIo(backend);
  const out = io.make(g.outShape);
  const [av, bv, ov] = [io.f32(a), io.f32(b), io.f32(out)];
  if (!av || !bv || !ov) return io.dispose(out), null;
  if (ov.length > 0) native.binary(op, av, bv, ov, g.packed);
  return out;
};

const unary = (op: UnaryOpName): Run => (native, { inputs, backend }) => {
  const { x } = inputs as { x: TensorInfo };
  if (x.dtype !== 'float32') return null;
  const io = tensorIo(backend);
  const out = io.make([...x.shape]);
  const [xv, ov] = [io.f32(x), io.f32(out)];
  if (!xv || !ov) return io.dispose(out), null;
  if (ov.length > 0) native.unary(op, xv, ov);
  return out;
};

const reduce = (op: ReduceOpName): Run => (native, { inputs, backend, attrs }) => {
  const { x } = inputs as { x: TensorInfo };
  const { axis, reductionIndices, keepDims } = attrs as { axis?: number | number[]; reductionIndices?: number | number[]; keepDims: boolean };
  if (x.dtype !== 'float32' || util.sizeFromShape(x.shape) === 0) return null;
  const g = reduceGeometry(x.shape, axis ?? reductionIndices, keepDims);
  if (!g) return null;
  const io = tensorIo(backend);
  const out = io.make(g.outShape);
  const [xv, ov] = [io.f32(x), io.f32(out)];
  if (!xv || !ov) return io.dispose(out), null;
  native.reduce(op, xv, ov, g.outer, g.r, g.inner);
  return out;
};

const softmax: Run = (native, { inputs, backend, attrs }) => {
  const { logits } = inputs as { logits: TensorInfo };
  const { dim } = attrs as { dim: number };
  const rank = logits.shape.length;
  if (logits.dtype !== 'float32' || rank === 0 || (dim !== -1 && dim !== rank - 1)) return null;
  const n = logits.shape[rank - 1];
  const io = tensorIo(backend);
  const out = io.make([...logits.shape]);
  const [xv, ov] = [io.f32(logits), io.f32(out)];
  if (!xv || !ov) return io.dispose(out), null;
  if (ov.length > 0) native.softmax(xv, ov, ov.length / n, n);
  return out;
};

const transpose: Run = (native, { inputs, backend, attrs }) => {
  const { x } = inputs as { x: TensorInfo };
  const { perm } = attrs as { perm: number[] };
  if (x.dtype !== 'float32') return null;
  const g = transposeGeometry(x.shape, perm);
  if (!g) return null;
  const io = tensorIo(backend);
  const out = io.make(g.outShape);
  const [xv, ov] = [io.f32(x), io.f32(out)];
  if (!xv || !ov) return io.dispose(out), null;
  if (ov.length > 0) native.transpose(xv, ov, g.packed);
  return out;
};

export function nativeKernelConfig(kernelName: string, run: Run, native: TensorKernelsNative, stock: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = (args) => run(native, args) ?? stock.kernelFunc(args);
  return { kernelName, backendName: stock.backendName, kernelFunc };
}

/** [kernel name, implementation] of every native elementwise kernel. */
export function elementwiseNativeKernels(): [string, Run][] {
  return [
    ...Object.entries(BINARY_KERNELS).map(([name, op]): [string, Run] => [name, binary(op)]),
    ...Object.entries(UNARY_KERNELS).map(([name, op]): [string, Run] => [name, unary(op)]),
    ...Object.entries(REDUCE_KERNELS).map(([name, op]): [string, Run] => [name, reduce(op)]),
    [Softmax, softmax],
    [Transpose, transpose],
  ];
}
