// GatherV2 and UnsortedSegmentSum (its gradient) for `cpu` and `wasm` computed natively
// (native/src/kernels/gather.cc): one row copy / row add per index, where TensorFlow.js' kernels
// compute an index per element (an embedding lookup took ≈10 ms). GatherV2 with batch dims, non-float
// data and int32 sums go to the stock kernel / the base scatter-add.
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { GatherV2, UnsortedSegmentSum, util } from '@tensorflow/tfjs-core';
import type { TensorKernelsNative } from '../native/tensorKernels.ts';
import { segmentSumGeometry } from './scatterAdd.ts';
import { tensorIo } from './tensorIo.ts';

export function gatherNative(native: TensorKernelsNative, stock: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const { x, indices } = args.inputs as { x: TensorInfo; indices: TensorInfo };
    const { axis, batchDims } = args.attrs as { axis: number; batchDims: number };
    if (x.dtype !== 'float32' || indices.dtype !== 'int32' || (batchDims ?? 0) !== 0) return stock.kernelFunc(args);
    const ax = util.parseAxisParam(axis, x.shape)[0];
    const outer = util.sizeFromShape(x.shape.slice(0, ax));
    const dim = x.shape[ax];
    const inner = util.sizeFromShape(x.shape.slice(ax + 1));
    const io = tensorIo(args.backend);
    const out = io.make([...x.shape.slice(0, ax), ...indices.shape, ...x.shape.slice(ax + 1)]);
    const [xv, iv, ov] = [io.f32(x), io.i32(indices), io.f32(out)];
    if (!xv || !iv || !ov) {
      io.dispose(out);
      return stock.kernelFunc(args);
    }
    const bad = native.gather(xv, iv, ov, outer, dim, inner);
    if (bad >= 0) {
      io.dispose(out);
      throw new Error(`GatherV2: the index value ${iv[bad]} is not in [0, ${dim - 1}]`);
    }
    return out;
  };
  return { kernelName: GatherV2, backendName: stock.backendName, kernelFunc };
}

/** Float32 sums natively; anything else through `fallback` (the base scatter-add kernel). */
export function unsortedSegmentSumNative(native: TensorKernelsNative, fallback: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const { x, segmentIds } = args.inputs as { x: TensorInfo; segmentIds: TensorInfo };
    const { numSegments } = args.attrs as { numSegments: number };
    if (x.dtype !== 'float32' || segmentIds.dtype !== 'int32') return fallback.kernelFunc(args);
    const { outShape, inner } = segmentSumGeometry(x.shape, segmentIds.shape, numSegments);
    const io = tensorIo(args.backend);
    const out = io.make(outShape);
    const [xv, iv, ov] = [io.f32(x), io.i32(segmentIds), io.f32(out)];
    if (!xv || !iv || !ov) {
      io.dispose(out);
      return fallback.kernelFunc(args);
    }
    native.scatterAdd(xv, iv, ov, numSegments, inner);
    return out;
  };
  return { kernelName: UnsortedSegmentSum, backendName: fallback.backendName, kernelFunc };
}
