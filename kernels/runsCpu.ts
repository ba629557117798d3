// cpu's Slice and PadV2 for tensors whose copied part is not one contiguous range (a column block,
// RoBERTa's <s> corner of [B, L, H], the last position of a decoder's hidden states, and their
// gradients, which pad them back): the stock kernels copy element by element through index arithmetic
// (Slice: 0.4 ms for a 32 × 31 int32 block, 1.2 ms for [8, 1, 256] of [8, 128, 256]; PadV2: 0.6 ms for
// that corner's gradient); these copy each contiguous innermost run. Contiguous slices (views) and
// strings go to the stock kernels.
import type { KernelConfig, KernelFunc, PadV2Attrs, SliceAttrs, TensorInfo, TypedArray } from '@tensorflow/tfjs-core';
import { slice_util, util } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';

/**
 * Calls copy(from, to) for each innermost run of `extent` (length extent[rank − 1]): `from` the run's
 * offset in a tensor of `fromShape` where the block starts at `fromStart`, `to` likewise.
 */
function forEachRun(extent: number[], fromShape: number[], fromStart: number[], toShape: number[], toStart: number[], copy: (from: number, to: number) => void): void {
  const rank = extent.length;
  const fromStrides = [...util.computeStrides(fromShape), 1];
  const toStrides = [...util.computeStrides(toShape), 1];
  const runs = util.sizeFromShape(extent) / extent[rank - 1];
  const index = new Array<number>(rank - 1).fill(0);
  for (let r = 0; r < runs; r++) {
    let from = fromStart[rank - 1];
    let to = toStart[rank - 1];
    for (let a = 0; a < rank - 1; a++) {
      from += (fromStart[a] + index[a]) * fromStrides[a];
      to += (toStart[a] + index[a]) * toStrides[a];
    }
    copy(from, to);
    // The next run: the last leading axis first.
    for (let a = rank - 2; a >= 0 && ++index[a] === extent[a]; a--) index[a] = 0;
  }
}

export function sliceByRuns(stock: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const { begin, size } = args.attrs as unknown as SliceAttrs;
    const [start, extent] = slice_util.parseSliceParams(x as never, begin, size);
    if (x.dtype === 'string' || extent.length === 0 || slice_util.isSliceContinous(x.shape, start, extent)) return stock.kernelFunc(args);
    slice_util.assertParamsValid(x as never, start, extent);
    const cpu = args.backend as MathBackendCPU;
    const values = cpu.data.get(x.dataId)!.values as TypedArray;
    const out = util.getTypedArrayFromDType(x.dtype, util.sizeFromShape(extent)) as TypedArray;
    const run = extent[extent.length - 1];
    if (out.length > 0) forEachRun(extent, x.shape, start, extent, extent.map(() => 0), (from, to) => out.set(values.subarray(from, from + run), to));
    return cpu.makeTensorInfo(extent, x.dtype, out);
  };
  return { ...stock, kernelFunc };
}

export function padByRuns(stock: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const { paddings, constantValue } = args.attrs as unknown as PadV2Attrs;
    if (x.dtype === 'string' || x.dtype === 'complex64' || x.shape.length === 0 || util.sizeFromShape(x.shape) === 0) return stock.kernelFunc(args);
    const cpu = args.backend as MathBackendCPU;
    const values = cpu.data.get(x.dataId)!.values as TypedArray;
    const outShape = paddings.map(([before, after], a) => before + x.shape[a] + after);
    const out = util.getTypedArrayFromDType(x.dtype, util.sizeFromShape(outShape)) as TypedArray;
    if (constantValue !== 0) out.fill(constantValue);
    const run = x.shape[x.shape.length - 1];
    forEachRun(x.shape, x.shape, x.shape.map(() => 0), outShape, paddings.map(([before]) => before), (from, to) => out.set(values.subarray(from, from + run), to));
    return cpu.makeTensorInfo(outShape, x.dtype, out);
  };
  return { ...stock, kernelFunc };
}
